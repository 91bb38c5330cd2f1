"""One construct per concern; ``infra.stack.RDriveStack`` composes them."""
