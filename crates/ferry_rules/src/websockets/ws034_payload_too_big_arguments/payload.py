from websockets.exceptions import PayloadTooBig


def check(size, max_size):
    if size > max_size:
        raise PayloadTooBig(f"over size limit ({size} > {max_size} bytes)")


def check_new(size, max_size):
    if size > max_size:
        raise PayloadTooBig(size, max_size)
