"""The demo: a synthetic region, demo accounts and the apps' sample content in one database.

It sits on top of every other app (it may import them all; none imports it).
"""
