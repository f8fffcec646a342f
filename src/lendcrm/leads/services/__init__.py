"""Writes for leads: channels and keys, capture and dedupe, imports, assignment."""

from lendcrm.leads.services.channels import (
    CHANNEL_KEY_MARKER,
    ChannelKeyRejected,
    ChannelKeyScopeMissing,
    IssuedChannelKey,
    authenticate_channel_key,
    create_channel,
    issue_channel_key,
    revoke_channel_key,
    rotate_channel_key,
)

__all__ = [
    "CHANNEL_KEY_MARKER",
    "ChannelKeyRejected",
    "ChannelKeyScopeMissing",
    "IssuedChannelKey",
    "authenticate_channel_key",
    "create_channel",
    "issue_channel_key",
    "revoke_channel_key",
    "rotate_channel_key",
]
