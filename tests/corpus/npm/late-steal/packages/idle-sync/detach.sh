# Harmless reproduction of a payload that waits out the install: a detached
# (setsid nohup) process reads the bait AWS credentials 6 s later, when npm
# and pkgtrace's grace period are over, then idles as a copy of /bin/sleep.
cp /bin/sleep ./idle-sync-wait
setsid nohup sh -c 'sleep 6; cat "$HOME/.aws/credentials" >/dev/null; exec ./idle-sync-wait 120' \
	</dev/null >/dev/null 2>&1 &
