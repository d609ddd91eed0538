"""Developer operations behind the Makefile: preparing, starting and checking the local stack.

May import anything the project installs; nothing imports it.
"""
