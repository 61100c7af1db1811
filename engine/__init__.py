"""TĐKT Flow engine: a workflow library on SpiffWorkflow. Never imports Flask."""
