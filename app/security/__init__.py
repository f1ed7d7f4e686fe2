"""Roles in code, the service scope, the actor, the security manager and its guards."""
