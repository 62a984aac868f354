# The Slack credentials live in one Secrets Manager secret, as JSON keys. Terraform creates the secret, never its
# value (a value here would sit in the state file). Put the value in once:
#   aws secretsmanager put-secret-value --secret-id redis-diagnose/slack \
#     --secret-string '{"bot_token":"xoxb-...","app_token":"xapp-...","signing_secret":"..."}'
resource "aws_secretsmanager_secret" "slack" {
  name        = "${var.name}/slack"
  description = "redis-diagnose Slack credentials: bot_token, app_token (Socket Mode) or signing_secret (HTTP mode)"
}
