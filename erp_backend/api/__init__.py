"""HTTP layer: thin routes that parse, call a service and present the result."""
