"""Domain rules: plain Python over the storage models, no gRPC."""
