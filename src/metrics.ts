import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, served on /metrics. One registry per process (tests may create their own). */
export function createMetrics(registry: Registry = new Registry(), options: { version?: string; mode?: string } = {}) {
  collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    diagnoses: new Counter({ name: 'redis_diagnose_diagnoses_total', help: 'Diagnoses by cause and confidence', labelNames: ['cause', 'confidence', 'source'] as const, registers: [registry] }),
    replies: new Counter({ name: 'redis_diagnose_replies_total', help: 'Slack replies posted, by kind and outcome', labelNames: ['kind', 'outcome'] as const, registers: [registry] }),
    duplicatesSuppressed: new Counter({ name: 'redis_diagnose_duplicates_suppressed_total', help: 'Events not answered because they were already answered', labelNames: ['reason'] as const, registers: [registry] }),
    feedback: new Counter({ name: 'redis_diagnose_feedback_total', help: 'Feedback button clicks', labelNames: ['kind', 'cause'] as const, registers: [registry] }),
    awsCalls: new Counter({ name: 'redis_diagnose_aws_calls_total', help: 'AWS API calls by action and outcome (ok, or the error name)', labelNames: ['action', 'outcome'] as const, registers: [registry] }),
    probes: new Counter({ name: 'redis_diagnose_probe_results_total', help: 'Probe attempts by transport and status', labelNames: ['transport', 'status'] as const, registers: [registry] }),
    policyDecisions: new Counter({ name: 'redis_diagnose_policy_decisions_total', help: 'Policy decisions by feature and outcome', labelNames: ['feature', 'decision'] as const, registers: [registry] }),
    slackApiErrors: new Counter({ name: 'redis_diagnose_slack_api_errors_total', help: 'Slack Web API errors by method and error code', labelNames: ['method', 'error'] as const, registers: [registry] }),
    ackSeconds: new Histogram({ name: 'redis_diagnose_ack_seconds', help: 'Time from request to ack', buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3], registers: [registry] }),
    replySeconds: new Histogram({ name: 'redis_diagnose_reply_seconds', help: 'Time from request to reply posted', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10], registers: [registry] }),
    inFlight: new Gauge({ name: 'redis_diagnose_in_flight_requests', help: 'Slack requests being worked on (acked, reply not yet posted)', registers: [registry] }),
    buildInfo: new Gauge({ name: 'redis_diagnose_build_info', help: 'Always 1; labels say which version runs in which Slack mode', labelNames: ['version', 'mode', 'node'] as const, registers: [registry] }),
  };
  m.buildInfo.set({ version: options.version ?? 'unknown', mode: options.mode ?? 'none', node: process.versions.node }, 1);
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The /metrics route: Prometheus text format. */
export function metricsHandler(metrics: Pick<Metrics, 'registry'>) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    metrics.registry.metrics().then(
      (body) => { res.writeHead(200, { 'content-type': metrics.registry.contentType }); res.end(body); },
      (err: unknown) => { res.writeHead(500, { 'content-type': 'text/plain' }); res.end(`metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`); },
    );
  };
}
