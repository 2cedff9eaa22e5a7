"""Issue 2: the landing page and a network's home (with its member list)."""

from bench.registry import page

page("landing page", "/")
page("network home", "/n/kyrgyzstan/")
