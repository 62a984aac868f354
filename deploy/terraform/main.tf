data "aws_region" "current" {}

locals {
  # Plain settings. Nothing secret goes here: tokens and REDIS_URL come from `secrets` below.
  # POLICY_FILE is left at its default (/app/policy.yml): add one with `FROM <image>` + `COPY policy.yml /app/`.
  environment = concat(
    [
      { name = "PORT", value = "3000" },
      { name = "AWS_REGION", value = data.aws_region.current.name },
      { name = "LOG_LEVEL", value = var.log_level },
      { name = "SUPPORT_CHANNELS", value = join(",", var.support_channels) },
    ],
    var.policy_contact == "" ? [] : [{ name = "POLICY_CONTACT", value = var.policy_contact }],
    length(var.account_roles) == 0 ? [] : [{ name = "ACCOUNT_ROLES", value = jsonencode(var.account_roles) }],
    length(var.probe_allowed_hosts) == 0 ? [] : [{ name = "PROBE_ALLOWED_HOSTS", value = join(",", var.probe_allowed_hosts) }],
  )

  secrets = concat(
    [{ name = "SLACK_BOT_TOKEN", valueFrom = "${aws_secretsmanager_secret.slack.arn}:bot_token::" }],
    var.socket_mode
    ? [{ name = "SLACK_APP_TOKEN", valueFrom = "${aws_secretsmanager_secret.slack.arn}:app_token::" }]
    : [{ name = "SLACK_SIGNING_SECRET", valueFrom = "${aws_secretsmanager_secret.slack.arn}:signing_secret::" }],
    var.redis_url_parameter_arn == "" ? [] : [{ name = "REDIS_URL", valueFrom = var.redis_url_parameter_arn }],
  )
}

resource "aws_cloudwatch_log_group" "bot" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_ecs_task_definition" "bot" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name                   = "bot"
      image                  = var.image
      essential              = true
      readonlyRootFilesystem = true
      # SIGTERM starts the graceful shutdown (in-flight replies get up to 10 s); ECS sends SIGKILL after this.
      stopTimeout  = 20
      portMappings = [{ containerPort = 3000, protocol = "tcp" }]
      environment  = local.environment
      secrets      = local.secrets
      healthCheck = {
        command     = ["CMD", "node", "-e", "fetch('http://127.0.0.1:3000/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 15
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = aws_cloudwatch_log_group.bot.name
          "awslogs-region"        = data.aws_region.current.name
          "awslogs-stream-prefix" = "bot"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "bot" {
  name            = var.name
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.bot.arn
  desired_count   = var.replicas
  launch_type     = "FARGATE"

  # Replace tasks one at a time: the old one drains its in-flight replies while the new one starts.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = var.load_balancer_target_group_arn == "" ? [] : [var.load_balancer_target_group_arn]
    content {
      target_group_arn = load_balancer.value
      container_name   = "bot"
      container_port   = 3000
    }
  }

  lifecycle {
    precondition {
      condition     = var.replicas == 1 || var.redis_url_parameter_arn != ""
      error_message = "Several replicas need REDIS_URL (redis_url_parameter_arn): without shared state each replica would answer the same Slack event."
    }
    precondition {
      condition     = var.socket_mode || var.load_balancer_target_group_arn != ""
      error_message = "HTTP mode needs load_balancer_target_group_arn: Slack must reach https://YOUR-HOST/slack/events."
    }
  }
}
