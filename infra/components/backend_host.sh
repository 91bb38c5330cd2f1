#!/bin/bash
# rDrive backend host (EC2 user data, rendered with CloudFormation Fn::Sub).
#
# The instance has no public IPv4 address and its subnet has no IPv4 route to the internet:
# S3 and DynamoDB are reached through gateway endpoints, ECR and Secrets Manager over IPv6
# (egress-only internet gateway, dual-stack endpoints). CloudFront reaches port 8000 through
# a VPC origin. The container runs under systemd; a timer pulls the image tag every two
# minutes and restarts the service when `make deploy` pushed a new image.
set -euo pipefail

dnf install -y docker
mkdir -p /etc/docker
cat > /etc/docker/daemon.json <<'JSON'
{"log-driver": "local", "log-opts": {"max-size": "20m", "max-file": "5"}, "live-restore": true}
JSON
systemctl enable --now docker

if [ ! -f /swapfile ]; then
  fallocate -l 1G /swapfile && chmod 600 /swapfile && mkswap /swapfile
  echo '/swapfile none swap defaults 0 0' >> /etc/fstab
fi
swapon -a

# Settings that are not secret (see README, "Deploying"). Port 8000 is reached only through
# CloudFront's VPC origin, so the sign-in throttle may take the viewer's address from the
# CloudFront-Viewer-Address header (RDRIVE_TRUSTED_PROXY); the image itself trusts no header.
cat > /etc/rdrive.env <<'ENV'
RDRIVE_BACKEND=aws
RDRIVE_PROCESSING=events
RDRIVE_BUCKET=${Bucket}
RDRIVE_ITEMS_TABLE=${ItemsTable}
RDRIVE_USERS_TABLE=${UsersTable}
RDRIVE_AWS_REGION=${AWS::Region}
AWS_DEFAULT_REGION=${AWS::Region}
RDRIVE_DATA_DIR=/tmp/rdrive
RDRIVE_TRUSTED_PROXY=cloudfront
ENV

cat > /usr/local/bin/rdrive-host <<'SH'
#!/bin/bash
# rdrive-host start  - fetch the secret, pull the image, run the container (systemd ExecStart)
# rdrive-host update - pull the image tag; restart the service when it changed (systemd timer)
set -euo pipefail
region=${AWS::Region}
registry=${AWS::AccountId}.dkr-ecr.$region.on.aws
image=$registry/${Repository}:${ImageTag}

login() {
  aws ecr get-login-password --region "$region" --endpoint-url "https://ecr.$region.api.aws" \
    | docker login --username AWS --password-stdin "$registry" >/dev/null
}

write_secret_env() {
  # The secret holds the JWT key and the site URL (known only once CloudFront exists, so the
  # instance reads it at start instead of receiving it in user data). Root-only, on tmpfs.
  umask 077
  mkdir -p /run/rdrive
  until aws secretsmanager get-secret-value --region "$region" --secret-id '${SecretName}' \
      --query SecretString --output text > /run/rdrive/secret.json; do
    echo "waiting for secret ${SecretName}"; sleep 15
  done
  python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
print("RDRIVE_JWT_SECRET=" + s["jwt_secret"])
print("RDRIVE_SITE_URL=" + s["site_url"])
print("RDRIVE_API_URL=" + s["site_url"])' /run/rdrive/secret.json > /run/rdrive/secret.env
  rm -f /run/rdrive/secret.json
}

case "$1" in
  start)
    write_secret_env
    until login && docker pull "$image"; do echo "waiting for $image"; sleep 30; done
    docker rm -f rdrive >/dev/null 2>&1 || true
    exec docker run --name rdrive --rm --network host --init \
      --env-file /etc/rdrive.env --env-file /run/rdrive/secret.env "$image"
    ;;
  update)
    login
    docker pull --quiet "$image" >/dev/null
    latest=$(docker image inspect --format '{{.Id}}' "$image")
    running=$(docker inspect --format '{{.Image}}' rdrive 2>/dev/null || echo none)
    if [ "$running" != none ] && [ "$latest" != "$running" ]; then
      systemctl restart rdrive.service
    fi
    docker image prune --force >/dev/null
    ;;
  *) echo "usage: rdrive-host start|update" >&2; exit 2 ;;
esac
SH
chmod 0755 /usr/local/bin/rdrive-host

cat > /etc/systemd/system/rdrive.service <<'UNIT'
[Unit]
Description=rDrive backend container
After=docker.service network-online.target
Requires=docker.service
Wants=network-online.target

[Service]
ExecStart=/usr/local/bin/rdrive-host start
ExecStop=/usr/bin/docker stop --time 20 rdrive
Restart=always
RestartSec=10
TimeoutStartSec=0

[Install]
WantedBy=multi-user.target
UNIT

cat > /etc/systemd/system/rdrive-update.service <<'UNIT'
[Unit]
Description=Pull the rDrive backend image and restart on a new one

[Service]
Type=oneshot
ExecStart=/usr/local/bin/rdrive-host update
UNIT

cat > /etc/systemd/system/rdrive-update.timer <<'UNIT'
[Unit]
Description=Check for a new rDrive backend image every two minutes

[Timer]
OnBootSec=5min
OnUnitActiveSec=2min

[Install]
WantedBy=timers.target
UNIT

systemctl daemon-reload
systemctl enable --now rdrive.service rdrive-update.timer
