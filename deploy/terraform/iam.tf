data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Execution role: used by ECS itself to pull the image, write logs and read the secrets at start.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution_managed" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "read_secrets" {
  statement {
    sid       = "SlackSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.slack.arn]
  }

  dynamic "statement" {
    for_each = var.redis_url_parameter_arn == "" ? [] : [var.redis_url_parameter_arn]
    content {
      sid       = "RedisUrlParameter"
      actions   = ["ssm:GetParameters"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  name   = "read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.read_secrets.json
}

# Task role: what the bot itself may do. Exactly the least-privilege policy shipped in deploy/iam-policy.json.
resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "task_elasticache_read" {
  name   = "elasticache-read"
  role   = aws_iam_role.task.id
  policy = file("${path.module}/../iam-policy.json")
}

# Several accounts: the bot may assume exactly the roles named in ACCOUNT_ROLES (each of those roles must trust
# this task role and carry deploy/iam-policy.json in its own account).
data "aws_iam_policy_document" "assume_account_roles" {
  count = length(var.account_roles) == 0 ? 0 : 1
  statement {
    actions   = ["sts:AssumeRole"]
    resources = distinct(values(var.account_roles))
  }
}

resource "aws_iam_role_policy" "task_assume_account_roles" {
  count  = length(var.account_roles) == 0 ? 0 : 1
  name   = "assume-account-roles"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.assume_account_roles[0].json
}
