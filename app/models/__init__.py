"""Vigie's models, one module per area; importing this package registers every table."""

from app.models.history import HistoryEntry
from app.models.organisation import Service, VigieUser, user_service
from app.models.strategy import Axis, Programme, ServiceObjective, StrategicObjective

__all__ = [
    "Axis",
    "HistoryEntry",
    "Programme",
    "Service",
    "ServiceObjective",
    "StrategicObjective",
    "VigieUser",
    "user_service",
]
