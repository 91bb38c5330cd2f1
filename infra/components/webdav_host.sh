#!/bin/bash
# rDrive WebDAV proxy host (EC2 user data, rendered with CloudFormation Fn::Sub; opt-in, see
# infra/components/webdav.py).
#
# A t4g.nano in the public subnet with an Elastic IP. Caddy (the official image) terminates TLS
# with a Let's Encrypt certificate it gets and renews itself (TLS-ALPN-01 on 443), serves only
# /dav/ and forwards it to the backend's port 8000 by its private name, setting
# CloudFront-Viewer-Address to the client's own address. The security group opens 443 only.
set -euo pipefail

if [ ! -f /swapfile ]; then
  fallocate -l 512M /swapfile && chmod 600 /swapfile && mkswap /swapfile
  echo '/swapfile none swap defaults 0 0' >> /etc/fstab
fi
swapon -a

dnf install -y docker
mkdir -p /etc/docker
cat > /etc/docker/daemon.json <<'JSON'
{"log-driver": "local", "log-opts": {"max-size": "10m", "max-file": "3"}, "live-restore": true}
JSON
systemctl enable --now docker

# Caddy's certificates and ACME account live in /var/lib/caddy (the container's /data).
mkdir -p /etc/caddy /var/lib/caddy
cat > /etc/caddy/Caddyfile <<'CADDY'
${Caddyfile}
CADDY

cat > /etc/systemd/system/rdrive-webdav.service <<'UNIT'
[Unit]
Description=rDrive WebDAV TLS proxy (Caddy)
After=docker.service network-online.target
Requires=docker.service
Wants=network-online.target

[Service]
ExecStartPre=-/usr/bin/docker rm -f caddy
ExecStart=/usr/bin/docker run --name caddy --rm --network host \
  -v /etc/caddy/Caddyfile:/etc/caddy/Caddyfile:ro -v /var/lib/caddy:/data ${CaddyImage}
ExecStop=/usr/bin/docker stop --time 20 caddy
Restart=always
RestartSec=10
TimeoutStartSec=0

[Install]
WantedBy=multi-user.target
UNIT

systemctl daemon-reload
systemctl enable --now rdrive-webdav.service
