output "task_role_arn" {
  description = "The bot's own role. Roles in other accounts (ACCOUNT_ROLES) must trust this ARN."
  value       = aws_iam_role.task.arn
}

output "slack_secret_arn" {
  description = "Put the Slack credentials here (see secrets.tf)."
  value       = aws_secretsmanager_secret.slack.arn
}

output "log_group" {
  value = aws_cloudwatch_log_group.bot.name
}
