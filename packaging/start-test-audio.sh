# Sourced by the test runners: starts a PulseAudio server with a null sink unless one answers.
# Works as root too (CI runs as root): --system is not used; the server runs for this user.
if command -v pulseaudio >/dev/null; then
  if ! pactl info >/dev/null 2>&1; then
    pulseaudio -D -n --exit-idle-time=-1 --load=module-null-sink \
      --load=module-native-protocol-unix >/dev/null 2>&1 || true
    for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  pactl info >/dev/null 2>&1 && echo "test audio: PulseAudio with a null sink is running" \
    || echo "test audio: no PulseAudio server (playback tests will report it)"
fi
