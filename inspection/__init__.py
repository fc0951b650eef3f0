"""The enterprise-inspection one-card registry (涉企行政检查"一卡通") as a gRPC service."""
