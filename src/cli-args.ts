import { parseArgs } from 'node:util';

/** Thrown for bad command lines: exit code 2 with the message and a pointer to --help. */
export class UsageError extends Error {}

export interface CliOptions {
  text?: string;
  file?: string;
  json: boolean;
  group?: string;
  endpoint?: string;
  region?: string;
  /** undefined = decide from whether AWS credentials are configured. */
  live?: boolean;
  probe: boolean;
  terraformDir?: string;
  help: boolean;
  version: boolean;
}

export const USAGE = `redis-diagnose: why can't my app talk to Redis (AWS ElastiCache)?

Usage:
  redis-diagnose [options] [TEXT]      diagnose TEXT (an error message, a log, a stack trace)
  redis-diagnose --file app.log        diagnose a file
  some-command 2>&1 | redis-diagnose   diagnose standard input
  redis-diagnose --group prd-redis --live
                                       summarise a replication group's connection settings
  redis-diagnose doctor                check a bot deployment (Slack token, IAM, state store, policy)

Options:
  --file PATH            read the text from PATH ("-" for stdin)
  --json                 print one JSON object (the documented schema) instead of text
  --group ID             the replication group id, when the text does not say
  --endpoint HOST[:PORT] the endpoint, when the text does not say
  --region REGION        the AWS region (default: from the host name, then AWS_REGION)
  --live / --no-live     look the group up in AWS (default: on when AWS credentials are configured)
  --probe                also connect to the endpoint with and without TLS (only hosts allowed by PROBE_ALLOWED_HOSTS)
  --terraform-dir DIR    your Terraform tree: the fix becomes a diff against the real file
  -h, --help             this help
  --version              the version

Exit codes: 0 a diagnosis was produced (any cause, "unknown" included); 2 usage error; 1 internal failure.
`;

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      options: {
        file: { type: 'string', short: 'f' },
        json: { type: 'boolean', default: false },
        group: { type: 'string', short: 'g' },
        endpoint: { type: 'string', short: 'e' },
        region: { type: 'string', short: 'r' },
        live: { type: 'boolean' },
        probe: { type: 'boolean', default: false },
        'terraform-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0 && values.file) throw new UsageError('give either TEXT or --file, not both');
  if (values.region !== undefined && !/^[a-z]{2}(?:-gov)?-[a-z]+-\d$/.test(values.region)) {
    throw new UsageError(`--region ${JSON.stringify(values.region)} is not an AWS region name (e.g. ap-northeast-1)`);
  }
  if (values.group !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(values.group)) {
    throw new UsageError(`--group ${JSON.stringify(values.group)} is not a replication group id (letters, digits and hyphens, up to 40)`);
  }
  return {
    ...(positionals.length ? { text: positionals.join(' ') } : {}),
    ...(values.file !== undefined ? { file: values.file } : {}),
    json: values.json ?? false,
    ...(values.group !== undefined ? { group: values.group.toLowerCase() } : {}),
    ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values.live !== undefined ? { live: values.live } : {}),
    probe: values.probe ?? false,
    ...(values['terraform-dir'] !== undefined ? { terraformDir: values['terraform-dir'] } : {}),
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
