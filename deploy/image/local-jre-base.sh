#!/usr/bin/env bash
# Makes a container base image from this machine's own Java 17 runtime, as a `docker save` tarball that
# Jib reads with -Djib.from.image=tar://FILE. For building and trying the image where no registry can be
# reached (the image's base, eclipse-temurin:17-jre, is pulled from Docker Hub otherwise); never shipped:
# it carries this machine's JRE and C libraries, not a maintained distribution with security updates.
#
#   deploy/image/local-jre-base.sh target/local-jre-base.tar
#
# The runtime sits where the temurin image keeps it (/opt/java/openjdk, on PATH), with the shared
# libraries it links against (found with ldd), /tmp and /etc/hosts. No shell, no package manager.
set -euo pipefail

out=${1:?usage: $0 OUT.tar}
jdk=${JRE_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
[ -x "$jdk/bin/java" ] || { echo "no Java runtime at $jdk (set JRE_HOME)" >&2; exit 2; }
"$jdk/bin/java" -version 2>&1 | grep -q 'version "17' || { echo "$jdk is not Java 17" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
java_home=/opt/java/openjdk
mkdir -p "$root$java_home" "$root/tmp" "$root/etc" "$work/image"
chmod 1777 "$root/tmp"

# The runtime, links resolved (Debian's points into /etc and /usr/share); what only a compiler or a
# desktop uses is left out, as in a JRE.
tar -C "$jdk" -chf - --exclude=lib/ct.sym --exclude=lib/src.zip --exclude='lib/libatk-wrapper.so' \
    bin conf lib release 2>/dev/null | tar -C "$root$java_home" -xf -
[ -s "$root$java_home/lib/modules" ] || { echo "copying the runtime from $jdk failed" >&2; exit 1; }

# The C libraries the runtime links against, at the paths the dynamic loader looks them up at.
find "$root$java_home" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
    | xargs -0 ldd 2>/dev/null \
    | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' \
    | sort -u \
    | while read -r lib; do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
      done
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || { echo "no dynamic loader found by ldd" >&2; exit 1; }

printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' > "$root/etc/hosts"
printf 'root:x:0:0:root:/root:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"

# One layer, in the `docker save` layout: manifest.json, the image config, the layer tar.
tar -C "$root" --numeric-owner --owner=0 --group=0 --mtime='1970-01-01' --sort=name -cf "$work/image/layer.tar" .
layer_digest=$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
cat > "$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=$java_home/bin:/usr/bin:/bin","JAVA_HOME=$java_home","LANG=C.UTF-8"]},"rootfs":{"type":"layers","diff_ids":["sha256:$layer_digest"]}}
JSON
config_digest=$(sha256sum "$work/image/config.json" | cut -d' ' -f1)
mv "$work/image/config.json" "$work/image/$config_digest.json"
cat > "$work/image/manifest.json" <<JSON
[{"Config":"$config_digest.json","RepoTags":["dsr-local-jre:17"],"Layers":["layer.tar"]}]
JSON
mkdir -p "$(dirname "$out")"
tar -C "$work/image" -cf "$out" manifest.json "$config_digest.json" layer.tar
echo "$out: base image from $jdk ($(du -h "$out" | cut -f1))"
