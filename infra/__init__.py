"""rDrive's AWS deployment: a CDK app (``infra.app``), its deploy script and its cost model."""
