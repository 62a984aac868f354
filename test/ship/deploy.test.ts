import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseHcl } from '@cdktn/hcl2json';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';

const root = resolve(import.meta.dirname, '../..');
const deploy = join(root, 'deploy');
const SECRET_VARS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'REDIS_URL'];

interface ContainerDef {
  name: string;
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  healthCheck: { command: string[] };
  readonlyRootFilesystem?: boolean;
  stopTimeout?: number;
}

describe('deploy/ecs/task-definition.json', () => {
  const td = JSON.parse(readFileSync(join(deploy, 'ecs/task-definition.json'), 'utf8')) as {
    requiresCompatibilities: string[]; networkMode: string; executionRoleArn: string; taskRoleArn: string; containerDefinitions: ContainerDef[];
  };
  const c = td.containerDefinitions[0]!;

  it('is a Fargate task with separate execution and task roles', () => {
    expect(td.requiresCompatibilities).toEqual(['FARGATE']);
    expect(td.networkMode).toBe('awsvpc');
    expect(td.executionRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(td.taskRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(td.taskRoleArn).not.toBe(td.executionRoleArn);
  });

  it('secrets come from Secrets Manager or SSM, never from plain environment values', () => {
    const envNames = c.environment.map((e) => e.name);
    for (const v of SECRET_VARS) expect(envNames).not.toContain(v);
    expect(c.secrets.map((s) => s.name)).toContain('SLACK_BOT_TOKEN');
    for (const s of c.secrets) expect(s.valueFrom).toMatch(/^arn:aws:(secretsmanager|ssm):[a-z0-9-]+:\d{12}:(secret|parameter)[:/]/);
    expect(JSON.stringify(td)).not.toMatch(/xox[abp]-|xapp-|AKIA[A-Z0-9]{16}/);
  });

  it('names only variables the bot reads, with a valid Slack mode', () => {
    const names = [...c.environment.map((e) => e.name), ...c.secrets.map((s) => s.name)];
    for (const n of names) expect(CONFIG_VARIABLES).toContain(n);
    expect(names.includes('SLACK_APP_TOKEN') || names.includes('SLACK_SIGNING_SECRET')).toBe(true);
  });

  it('its health check asks /healthz with node, as the image does', () => {
    expect(c.healthCheck.command[0]).toBe('CMD');
    expect(c.healthCheck.command[1]).toBe('node');
    expect(c.healthCheck.command.join(' ')).toContain('/healthz');
    // Longer than the bot's own drain bound (10 s), so a stopping task is not killed mid-reply.
    expect(c.stopTimeout).toBeGreaterThan(10);
  });

  it('the execution role policy reads exactly the secrets the task names', () => {
    const policy = JSON.parse(readFileSync(join(deploy, 'ecs/execution-role-policy.json'), 'utf8')) as { Statement: { Action: string; Resource: string }[] };
    const resources = policy.Statement.map((s) => s.Resource);
    expect(resources).not.toContain('*');
    for (const s of c.secrets) {
      const arn = s.valueFrom.replace(/:[a-z_]+::$/, '');
      expect(resources).toContain(arn);
    }
  });
});

describe('deploy/terraform', () => {
  async function load(): Promise<Record<string, any>> {
    const dir = join(deploy, 'terraform');
    const merged: Record<string, any> = {};
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.tf'))) {
      const parsed = (await parseHcl(f, readFileSync(join(dir, f), 'utf8'))) as Record<string, any>;
      for (const [k, v] of Object.entries(parsed)) merged[k] = { ...(merged[k] ?? {}), ...v };
    }
    return merged;
  }

  it('parses, and the task role carries deploy/iam-policy.json', async () => {
    const tf = await load();
    const policy = tf.resource.aws_iam_role_policy.task_elasticache_read[0].policy as string;
    expect(policy).toBe('${file("${path.module}/../iam-policy.json")}');
    expect(existsSync(join(deploy, 'iam-policy.json')), 'deploy/iam-policy.json (live engineer) is missing').toBe(true);
  });

  it('the execution role reads only the Slack secret (and the REDIS_URL parameter), not *', async () => {
    const tf = await load();
    const statements = tf.data.aws_iam_policy_document.read_secrets[0].statement as { actions: string[]; resources: string[] }[];
    expect(statements[0]!.actions).toEqual(['secretsmanager:GetSecretValue']);
    expect(statements[0]!.resources).toEqual(['${aws_secretsmanager_secret.slack.arn}']);
  });

  it('secrets are wired through `secrets`, plain settings through `environment`', async () => {
    const tf = await load();
    const locals = tf.locals[0] ?? tf.locals;
    const env = JSON.stringify(locals.environment);
    const secrets = JSON.stringify(locals.secrets);
    for (const v of SECRET_VARS) expect(env).not.toContain(`"${v}"`);
    for (const v of SECRET_VARS) expect(secrets).toContain(v);
    const names = [...`${env}${secrets}`.matchAll(/name\s*=\s*\\"([A-Z_]+)\\"/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(5);
    for (const n of names) expect(CONFIG_VARIABLES).toContain(n);
    const container = tf.resource.aws_ecs_task_definition.bot[0].container_definitions as string;
    expect(container).toContain('secrets      = local.secrets');
    expect(container).toContain('/healthz');
  });

  it('several replicas are refused without REDIS_URL', async () => {
    const tf = await load();
    const pre = tf.resource.aws_ecs_service.bot[0].lifecycle[0].precondition as { condition: string; error_message: string }[];
    expect(pre.some((p) => p.condition.includes('var.replicas == 1 || var.redis_url_parameter_arn != ""'))).toBe(true);
  });
});
