"""What rDrive costs a month on AWS, line by line, at list prices (us-east-1, no free tier).

    python -m infra.cost

prints the bill at the seed's workload (10 GB stored, 10 000 GETs, 5 GB out, 100 000 API
requests, 1 000 uploads) against the seed's own estimate of $6.28, the same at ten times that
workload, what the other compute shapes for the backend would cost, and what the opt-in WebDAV
endpoint (``RDRIVE_DEPLOY_WEBDAV_DOMAIN``) adds, against the other shapes it could have taken.
Every unit price names the AWS pricing page it comes from; the per-upload and per-request factors
below say how the workload turns into billable units.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

SEED_ESTIMATE = 6.28  # the owner's notes: "Total = $6.28 USD / Month"
BUDGET = 10.00
HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class Price:
    """One list price: dollars per ``per`` units of ``unit``."""

    dollars: float
    per: float
    unit: str
    source: str

    def cost(self, quantity: float) -> float:
        return self.dollars * quantity / self.per


S3 = "https://aws.amazon.com/s3/pricing/"
CF = "https://aws.amazon.com/cloudfront/pricing/"
DDB = "https://aws.amazon.com/dynamodb/pricing/on-demand/"
LAMBDA = "https://aws.amazon.com/lambda/pricing/"
EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/"
VPC = "https://aws.amazon.com/vpc/pricing/"
ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/"

PRICES: dict[str, Price] = {
    "s3_storage": Price(0.023, 1, "GB-month", S3),
    "s3_put": Price(0.005, 1_000, "PUT/COPY/POST/LIST requests", S3),
    "s3_get": Price(0.0004, 1_000, "GET/HEAD requests", S3),
    "s3_egress": Price(0.09, 1, "GB out to the internet", S3),
    "cf_egress": Price(0.085, 1, "GB out (US/EU)", CF),
    "cf_https": Price(0.0100, 10_000, "HTTPS requests (US/EU)", CF),
    "cf_function": Price(0.10, 1_000_000, "CloudFront Functions invocations", CF),
    "ddb_write": Price(0.625, 1_000_000, "write request units", DDB),
    "ddb_read": Price(0.125, 1_000_000, "read request units", DDB),
    "ddb_storage": Price(0.25, 1, "GB-month", DDB),
    "ddb_pitr": Price(0.20, 1, "GB-month of continuous backup", DDB),
    "lambda_gbs": Price(0.0000133334, 1, "GB-second (arm64)", LAMBDA),
    "lambda_req": Price(0.20, 1_000_000, "requests", LAMBDA),
    "sqs": Price(0.40, 1_000_000, "requests (standard queue)", "https://aws.amazon.com/sqs/pricing/"),
    "secret": Price(0.40, 1, "secret-month", "https://aws.amazon.com/secrets-manager/pricing/"),
    "t4g_micro": Price(0.0084, 1, "instance-hour (t4g.micro)", EC2),
    "t4g_nano": Price(0.0042, 1, "instance-hour (t4g.nano)", EC2),
    "gp3": Price(0.08, 1, "GB-month (gp3)", "https://aws.amazon.com/ebs/pricing/"),
    "ipv4": Price(0.005, 1, "public IPv4 address-hour", VPC),
    "vpc_origin": Price(0.0, 1, "GB (VPC origins: no additional charge)", CF),
    "ecr": Price(0.10, 1, "GB-month", "https://aws.amazon.com/ecr/pricing/"),
    "logs": Price(0.50, 1, "GB ingested", "https://aws.amazon.com/cloudwatch/pricing/"),
    "vended_logs": Price(0.25, 1, "GB delivered to S3 (flow logs)", "https://aws.amazon.com/cloudwatch/pricing/"),
    "fargate_vcpu": Price(0.03238, 1, "vCPU-hour (Fargate, ARM)", "https://aws.amazon.com/fargate/pricing/"),
    "fargate_gb": Price(0.00356, 1, "GB-hour (Fargate, ARM)", "https://aws.amazon.com/fargate/pricing/"),
    "alb": Price(0.0225, 1, "load balancer-hour", ELB),
    "lcu": Price(0.008, 1, "LCU-hour", ELB),
    "nlb": Price(0.0225, 1, "load balancer-hour (NLB)", ELB),
    "nlcu": Price(0.006, 1, "NLCU-hour", ELB),
    "ec2_egress": Price(0.09, 1, "GB out to the internet (EC2, first 10 TB)", EC2),
    "route53_zone": Price(0.50, 1, "hosted zone-month", "https://aws.amazon.com/route53/pricing/"),
    "lightsail_nano": Price(7.00, 1, "month (container service, nano)", "https://aws.amazon.com/lightsail/pricing/"),
}  # fmt: skip


@dataclass(frozen=True)
class Workload:
    """A month of use, in the seed's terms."""

    stored_gb: float = 10
    gets: int = 10_000
    egress_gb: float = 5
    api_requests: int = 100_000
    uploads: int = 1_000
    metadata_gb: float = 1  # the seed budgets ~1 GB of DynamoDB metadata
    video_minutes: float = 30  # phone video (HEVC, so each gets a playback rendition)
    webdav_out_gb: float = 2  # read back over WebDAV (only with the WebDAV endpoint)

    def times(self, k: float) -> Workload:
        return replace(
            self,
            stored_gb=self.stored_gb * k,
            gets=int(self.gets * k),
            egress_gb=self.egress_gb * k,
            api_requests=int(self.api_requests * k),
            uploads=int(self.uploads * k),
            metadata_gb=self.metadata_gb * k,
            video_minutes=self.video_minutes * k,
            webdav_out_gb=self.webdav_out_gb * k,
        )


SEED = Workload()

# How the workload becomes billable units (assumptions, stated once):
PUTS_PER_UPLOAD = 6  # the original (or its parts), three renditions, a poster, a listing
GETS_PER_UPLOAD = 10  # processing: HEAD, type sniff, hashing chunks, ranged reads
ITEM_WRITES_PER_UPLOAD = 5  # uploading -> complete -> processing -> ready, plus the type
WRU_PER_ITEM_WRITE = 10  # 1 for the item + the 5 local and up to 3 global index entries
RRU_PER_API_REQUEST = 4  # a page of ~50 items is a few 4 KB reads, eventually consistent
CF_REQUESTS_PER_API_REQUEST = 1.1  # API calls plus page loads and hashed assets
SITE_AND_API_GB_PER_100K = 1.0  # app shell, assets and JSON through CloudFront
LAMBDA_GB = 4.0  # the function's memory (infra/components/processing.py)
LAMBDA_SECONDS_PER_UPLOAD = 4.0  # photos ~1-2 s, videos' poster frames longer
# A playback rendition, per minute of 1080p HEVC: 48 CPU-seconds measured (bench/transcode.py,
# on clean test clips), ×3 for real phone footage, over the function's ~2.3 vCPUs.
RENDITION_SECONDS_PER_VIDEO_MINUTE = 63  # = 48 × 3 / 2.3
RENDITION_GB_PER_VIDEO_MINUTE = 0.04  # H.264 at CRF 23, 1080 px: ~5 Mb/s
SQS_IDLE_POLLS = 5 * 3 * 60 * 24 * 30  # Lambda's 5 long-pollers, one 20 s poll each
ECR_GB = 1.5  # backend + Lambda images, a few versions kept
LAMBDA_LOG_GB_PER_1K_UPLOADS = 0.05
FLOW_LOG_GB = 0.1
EBS_GB = 8


@dataclass(frozen=True)
class Line:
    """One line of the bill."""

    service: str
    what: str
    quantity: float
    price: Price

    @property
    def cost(self) -> float:
        return self.price.cost(self.quantity)


def bill(w: Workload, instance: str = "t4g_micro", *, webdav: bool = False) -> list[Line]:
    """The month's bill for the stack as deployed (backend on one instance, no public IPv4);
    ``webdav``: with the opt-in WebDAV endpoint (``webdav_lines``)."""
    return _base_lines(w, instance) + (webdav_lines(w) if webdav else [])


def webdav_lines(w: Workload) -> list[Line]:
    """What the WebDAV endpoint adds (infra/components/webdav.py): the proxy host, its disk and
    Elastic IP, the private zone naming the backend, and WebDAV downloads leaving through it
    (uploads come in free; proxy and backend share one AZ, so no inter-AZ bytes)."""
    p = PRICES
    return [
        Line("EC2", "WebDAV proxy, t4g.nano on demand", HOURS_PER_MONTH, p["t4g_nano"]),
        Line("EBS", "WebDAV proxy root volume", EBS_GB, p["gp3"]),
        Line("VPC", "WebDAV proxy's Elastic IP (public IPv4)", HOURS_PER_MONTH, p["ipv4"]),
        Line("Route 53", "private zone naming the backend for the proxy", 1, p["route53_zone"]),
        Line("EC2", "WebDAV downloads out to the internet", w.webdav_out_gb, p["ec2_egress"]),
    ]


def _base_lines(w: Workload, instance: str) -> list[Line]:
    p = PRICES
    k = w.uploads / 1_000
    return [
        Line("S3", "media stored", w.stored_gb, p["s3_storage"]),
        Line("S3", "uploads, renditions, listings", w.uploads * PUTS_PER_UPLOAD, p["s3_put"]),
        Line("S3", "views, downloads, processing reads",
             w.gets + w.uploads * GETS_PER_UPLOAD, p["s3_get"]),
        Line("S3", "media out to browsers (presigned URLs)", w.egress_gb, p["s3_egress"]),
        Line("CloudFront", "site + API bytes out",
             SITE_AND_API_GB_PER_100K * w.api_requests / 100_000, p["cf_egress"]),
        Line("CloudFront", "HTTPS requests (site + API + WebSocket)",
             w.api_requests * CF_REQUESTS_PER_API_REQUEST, p["cf_https"]),
        Line("CloudFront", "URI rewrite function", w.api_requests * 0.1, p["cf_function"]),
        Line("CloudFront", "VPC origin to the backend",
             SITE_AND_API_GB_PER_100K * w.api_requests / 100_000, p["vpc_origin"]),
        Line("DynamoDB", "writes incl. index entries",
             w.uploads * ITEM_WRITES_PER_UPLOAD * WRU_PER_ITEM_WRITE, p["ddb_write"]),
        Line("DynamoDB", "reads", w.api_requests * RRU_PER_API_REQUEST, p["ddb_read"]),
        Line("DynamoDB", "metadata stored", w.metadata_gb, p["ddb_storage"]),
        Line("DynamoDB", "point-in-time recovery", w.metadata_gb, p["ddb_pitr"]),
        Line("Lambda", "processing compute (4 GB, arm64)",
             w.uploads * LAMBDA_GB * LAMBDA_SECONDS_PER_UPLOAD, p["lambda_gbs"]),
        Line("Lambda", "playback renditions of HEVC/camcorder video",
             w.video_minutes * LAMBDA_GB * RENDITION_SECONDS_PER_VIDEO_MINUTE, p["lambda_gbs"]),
        Line("S3", "this month's playback renditions stored",
             w.video_minutes * RENDITION_GB_PER_VIDEO_MINUTE, p["s3_storage"]),
        Line("Lambda", "invocations", w.uploads * 1.1, p["lambda_req"]),
        Line("SQS", "events + Lambda's idle long polling",
             SQS_IDLE_POLLS + w.uploads * 3, p["sqs"]),
        Line("Secrets Manager", "JWT key + site URL", 1, p["secret"]),
        Line("EC2", f"backend, {instance.replace('_', '.')} on demand",
             HOURS_PER_MONTH, p[instance]),
        Line("EBS", "backend root volume", EBS_GB, p["gp3"]),
        Line("VPC", "public IPv4 addresses (none: VPC origin + IPv6 egress)", 0, p["ipv4"]),
        Line("ECR", "images stored", ECR_GB, p["ecr"]),
        Line("CloudWatch", "Lambda logs", LAMBDA_LOG_GB_PER_1K_UPLOADS * k, p["logs"]),
        Line("CloudWatch", "VPC flow logs to S3", FLOW_LOG_GB, p["vended_logs"]),
    ]  # fmt: skip


def backend_shapes() -> list[tuple[str, float, str]]:
    """Monthly cost of each compute shape that keeps WebSockets open, and its catch."""
    p, h = PRICES, HOURS_PER_MONTH
    ip = p["ipv4"].cost(h)
    disk = p["gp3"].cost(EBS_GB)
    fargate = p["fargate_vcpu"].cost(0.25 * h) + p["fargate_gb"].cost(0.5 * h)
    alb = p["alb"].cost(h) + p["lcu"].cost(h) + 2 * ip
    return [
        ("EC2 t4g.micro (1 GiB), private, CloudFront VPC origin  [chosen]",
         p["t4g_micro"].cost(h) + disk, "one AZ; systemd restarts the container"),
        ("EC2 t4g.nano (0.5 GiB), private, VPC origin",
         p["t4g_nano"].cost(h) + disk, "backend alone measured 237 MB RSS: no headroom"),
        ("EC2 t4g.micro with a public IPv4 address",
         p["t4g_micro"].cost(h) + disk + ip, "origin exposed; plain HTTP over the internet"),
        ("Fargate ARM 0.25 vCPU / 0.5 GB, public IP, no load balancer",
         fargate + ip, "new IP per task: CloudFront needs a stable name"),
        ("Fargate ARM 0.25 vCPU / 0.5 GB behind an ALB",
         fargate + alb, "the ALB with its two IPv4 addresses is ~$30"),
        ("Lightsail container service, nano",
         p["lightsail_nano"].cost(1), "no IAM role: long-lived access keys in env"),
    ]  # fmt: skip


def webdav_shapes() -> list[tuple[str, float, str]]:
    """Monthly cost of each way to give WebDAV an HTTPS endpoint (CloudFront cannot carry its
    methods), and its catch; load balancers at one (N)LCU an hour, as ``backend_shapes``."""
    p, h = PRICES, HOURS_PER_MONTH
    ip = p["ipv4"].cost(h)
    return [
        ("t4g.nano proxy (Caddy, Let's Encrypt) with an Elastic IP  [chosen]",
         total(webdav_lines(Workload(webdav_out_gb=0))),
         "a second small host; its certificate renews on the host"),
        ("ALB + ACM certificate (two AZs)",
         p["alb"].cost(h) + p["lcu"].cost(h) + 2 * ip,
         "every client seen as the ALB's address by the sign-in throttle"),
        ("NLB TLS listener + ACM certificate (one AZ)",
         p["nlb"].cost(h) + p["nlcu"].cost(h) + ip,
         "layer 4: no path rule, the whole backend port public"),
        ("Elastic IP on the backend instance, TLS on the host",
         ip, "backend leaves its private subnet (VPC origins expect one)"),
    ]  # fmt: skip


def total(lines: list[Line]) -> float:
    return sum(line.cost for line in lines)


def _number(x: float) -> str:
    """Quantities and prices without float noise (0.0000133334, 6,000, 0.05)."""
    x = round(x, 10)
    if x == int(x):
        return f"{int(x):,}"
    return f"{x:.10f}".rstrip("0")


def render(lines: list[Line]) -> str:
    """The bill as a Markdown table (the README shows the seed workload's)."""
    rows = [
        "| service | what | quantity | unit price | $/month | source |",
        "|---|---|---:|---|---:|---|",
    ]
    for line in lines:
        pr = line.price
        per = f"{_number(pr.per)} " if pr.per != 1 else ""
        rows.append(
            f"| {line.service} | {line.what} | {_number(line.quantity)} | "
            f"${_number(pr.dollars)} per {per}{pr.unit} | {line.cost:.2f} | {pr.source} |"
        )
    rows.append(f"| **total** | | | | **{total(lines):.2f}** | |")
    return "\n".join(rows)


def main() -> None:
    seed = bill(SEED)
    print("## Seed workload: 10 GB stored, 10 000 GET, 5 GB out, 100 000 API requests, "
          "1 000 uploads\n")  # fmt: skip
    print(render(seed))
    print(
        f"\nTotal ${total(seed):.2f}/month vs the seed's estimate ${SEED_ESTIMATE:.2f} "
        f"(budget ${BUDGET:.2f}: {'within' if total(seed) <= BUDGET else 'OVER'}); "
        "the seed priced 10 000 GETs at $4.00 (it is $0.004), had no always-on compute, and "
        "counted the same 5 GB twice (S3 and CloudFront).\n"
    )
    ten = bill(SEED.times(10))
    print("## Ten times the seed workload\n")
    print(render(ten))
    print(f"\nTotal ${total(ten):.2f}/month.\n")
    print("## Backend compute shapes that keep WebSockets open ($/month)\n")
    print("| shape | $/month | catch |\n|---|---:|---|")
    for name, dollars, catch in backend_shapes():
        print(f"| {name} | {dollars:.2f} | {catch} |")
    dav = webdav_lines(SEED)
    print("\n## What the WebDAV endpoint adds (RDRIVE_DEPLOY_WEBDAV_DOMAIN; off by default)\n")
    print(render(dav))
    print(
        f"\nWith WebDAV: ${total(seed) + total(dav):.2f}/month "
        f"(budget ${BUDGET:.2f}: the endpoint is opt-in).\n"
    )
    print("## WebDAV endpoint shapes ($/month)\n")
    print("| shape | $/month | catch |\n|---|---:|---|")
    for name, dollars, catch in webdav_shapes():
        print(f"| {name} | {dollars:.2f} | {catch} |")


if __name__ == "__main__":
    main()
