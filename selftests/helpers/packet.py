# SPDX-License-Identifier: GPL-2.0
"""packet.py - what the helpers that build raw frames share (answer_sampler,
spoofed_ping): the Internet checksum (RFC 1071)."""
import struct


def csum(data):
    """The one's complement of the one's complement sum of DATA's 16-bit
    words (a last odd byte padded with zero)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
