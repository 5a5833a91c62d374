"""Running Casustafel: health and readiness, and what it refuses at start-up."""
