#!/usr/bin/env python3
# -*- coding: latin-1 -*-
# Relais für Nachrichten: a websockets handler in a script with no import.


async def relay(websocket, hub):
    while websocket.open:
        await hub.forward(await websocket.recv())
