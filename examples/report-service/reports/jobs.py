"""Runs the report jobs concurrently."""

import asyncio


async def fetch(name):
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0, loop=loop)
    return {"name": name, "total": len(name)}


async def fetch_all(names):
    loop = asyncio.get_running_loop()
    return await asyncio.wait_for(asyncio.gather(*(fetch(n) for n in names)), 5, loop=loop)
