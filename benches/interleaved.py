#!/usr/bin/env python3
"""Medians of commands run in turn, one run of each per round.

    interleaved.py RUNS NAME PREPARE COMMAND [NAME PREPARE COMMAND ...]

Each round runs every command once (each after its PREPARE, a shell
command, untimed; "" for none), alternating the order from round to
round; the first round is a warm-up. A COMMAND is split as a shell
would split it, and run without a shell; leading NAME=VALUE words set
its environment. Prints one line per command: its
name and its median in milliseconds. A command that exits with 2 or
more, or is killed, stops the run (1 is lint's "findings", and passes). hyperfine times one command's runs
one after another: on a machine whose speed drifts over minutes, two
commands measured apart differ by the minute, while commands taken in
turn share it (benches/growth.sh compares sizes this way).
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def split(command):
    """The environment and the arguments of `command`."""
    words = shlex.split(command)
    env = dict(os.environ)
    while words and "=" in words[0] and not words[0].startswith(("-", "/")):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return env, words


def main(argv):
    if len(argv) < 4 or (len(argv) - 1) % 3 != 0:
        sys.exit(__doc__)
    runs = max(1, int(argv[0]))
    commands = [tuple(argv[i:i + 3]) for i in range(1, len(argv), 3)]
    times = {name: [] for name, _, _ in commands}
    devnull = os.open(os.devnull, os.O_WRONLY)
    for round_number in range(runs + 1):
        order = commands if round_number % 2 == 0 else commands[::-1]
        for name, prepare, command in order:
            if prepare:
                subprocess.run(prepare, shell=True, check=True)
            env, args = split(command)
            start = time.perf_counter()
            child = os.posix_spawn(args[0], args, env, file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2),
            ])
            _, status = os.waitpid(child, 0)
            elapsed = time.perf_counter() - start
            code = os.waitstatus_to_exitcode(status)
            if code not in (0, 1):
                sys.exit(f"interleaved.py: {name}: `{command}` exited with {code}")
            if round_number > 0:
                times[name].append(elapsed * 1000)
    for name, _, _ in commands:
        print(f"{name}\t{statistics.median(times[name]):.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
