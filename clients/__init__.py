"""Client library and the onecard command line for the inspection one-card registry."""
