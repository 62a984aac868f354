variable "name" {
  description = "Name prefix for every resource."
  type        = string
  default     = "redis-diagnose"
}

variable "image" {
  description = "The redis-diagnose image (built from the repository's Dockerfile), e.g. 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/redis-diagnose:0.1.0."
  type        = string
}

variable "cluster_arn" {
  description = "ECS cluster to run the service in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets that reach the ElastiCache groups (port 6379/6380) and, through a NAT gateway or proxy, slack.com and the ElastiCache API."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups for the task: egress 443 (Slack, AWS APIs) and 6379-6380 (probes, REDIS_URL)."
  type        = list(string)
}

variable "socket_mode" {
  description = "true: Socket Mode (no public URL, the usual choice inside a VPC; needs the app_token key in the secret). false: HTTP mode behind a load balancer (needs signing_secret)."
  type        = bool
  default     = true
}

variable "replicas" {
  description = "Number of tasks. More than one needs redis_url_parameter_arn, so that replicas share dedupe state and reply once."
  type        = number
  default     = 1

  validation {
    condition     = var.replicas >= 1
    error_message = "replicas must be at least 1."
  }
}

variable "support_channels" {
  description = "Channel ids where pasted errors get auto-replies (SUPPORT_CHANNELS)."
  type        = list(string)
  default     = []
}

variable "redis_url_parameter_arn" {
  description = "ARN of an SSM SecureString parameter holding REDIS_URL (it may carry a password). Empty: in-memory state, one replica only."
  type        = string
  default     = ""
}

variable "account_roles" {
  description = "ACCOUNT_ROLES: account id or region => IAM role ARN the bot assumes for look-ups in other accounts."
  type        = map(string)
  default     = {}
}

variable "probe_allowed_hosts" {
  description = "PROBE_ALLOWED_HOSTS; empty keeps the default (ElastiCache endpoint names only)."
  type        = list(string)
  default     = []
}

variable "policy_contact" {
  description = "POLICY_CONTACT: who to ask when the policy denies a look-up, e.g. #platform-team."
  type        = string
  default     = ""
}

variable "log_level" {
  type    = string
  default = "info"
}

variable "load_balancer_target_group_arn" {
  description = "HTTP mode only: the target group (port 3000, health check path /healthz) that receives https://YOUR-HOST/slack/events."
  type        = string
  default     = ""
}

variable "log_retention_days" {
  type    = number
  default = 30
}
