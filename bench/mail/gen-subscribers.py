#!/usr/bin/env python3
"""A Mailchimp-style export of N subscribers (addresses of our own making),
for bench/mail/run.sh: python3 gen-subscribers.py N > export.csv"""
import random
import sys

n = int(sys.argv[1])
rng = random.Random(15)
zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"]
tags = ["youth", "choir", "prayer", "newcomers", "volunteers"]
out = sys.stdout
out.write("Email Address,First Name,Last Name,OPTIN_TIME,TIMEZONE,TAGS\n")
for i in range(n):
    picked = ",".join(rng.sample(tags, rng.randint(0, 2)))
    out.write(
        f"reader{i}@parish{i % 211}.example,Reader,No{i},"
        f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 0{i % 10}:15:00,{rng.choice(zones)},\"{picked}\"\n"
    )
