"""Percorsi: case management for services that accompany refugees towards autonomy."""
