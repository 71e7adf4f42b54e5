"""The console's routes, one router per feature, each named after its URL."""
