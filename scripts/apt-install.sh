# Sourced by the ensure-*.sh scripts: install Debian packages non-interactively, as root or
# through password-less sudo. Callers define fail() (prints why and exits non-zero) first.
#   apt_install "what is missing" PACKAGE...

apt_install() {
  local missing="$1"
  shift
  command -v apt-get >/dev/null 2>&1 || fail "$missing and apt-get is not available."
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "$missing; installing it needs root or sudo."
    sudo=(sudo -n)
    "${sudo[@]}" true 2>/dev/null || fail "$missing and sudo needs a password here."
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    || fail "apt-get update failed."
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "$@" >/dev/null || fail "apt-get install $* failed."
}
