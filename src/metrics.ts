import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, served on /metrics in HTTP mode. One registry per process (tests may create their own). */
export function createMetrics(registry: Registry = new Registry()) {
  collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    diagnoses: new Counter({ name: 'redis_diagnose_diagnoses_total', help: 'Diagnoses by cause and confidence', labelNames: ['cause', 'confidence', 'source'] as const, registers: [registry] }),
    replies: new Counter({ name: 'redis_diagnose_replies_total', help: 'Slack replies posted, by kind and outcome', labelNames: ['kind', 'outcome'] as const, registers: [registry] }),
    duplicatesSuppressed: new Counter({ name: 'redis_diagnose_duplicates_suppressed_total', help: 'Events not answered because they were already answered', labelNames: ['reason'] as const, registers: [registry] }),
    feedback: new Counter({ name: 'redis_diagnose_feedback_total', help: 'Feedback button clicks', labelNames: ['kind', 'cause'] as const, registers: [registry] }),
    awsCalls: new Counter({ name: 'redis_diagnose_aws_calls_total', help: 'AWS API calls by action and outcome', labelNames: ['action', 'outcome'] as const, registers: [registry] }),
    probes: new Counter({ name: 'redis_diagnose_probe_results_total', help: 'Probe attempts by transport and status', labelNames: ['transport', 'status'] as const, registers: [registry] }),
    policyDecisions: new Counter({ name: 'redis_diagnose_policy_decisions_total', help: 'Policy decisions by feature and outcome', labelNames: ['feature', 'decision'] as const, registers: [registry] }),
    ackSeconds: new Histogram({ name: 'redis_diagnose_ack_seconds', help: 'Time from request to ack', buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3], registers: [registry] }),
    replySeconds: new Histogram({ name: 'redis_diagnose_reply_seconds', help: 'Time from request to reply posted', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10], registers: [registry] }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
