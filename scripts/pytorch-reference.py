#!/usr/bin/env python3
"""The reference protocol in PyTorch, to measure vae4j against on the same machine and data.

MLP 784-400-20 (ReLU), pixels in [0, 1] (not binarized), loss = summed Bernoulli cross-entropy + analytic
Gaussian KL, Adam 1e-3, batch 128 (--batch for the benchmark's sweep), shuffled every epoch, the last partial batch kept; nn.Linear's default
initialisation. The test -ELBO after each epoch is the summed loss over the test set (one z per image) divided by
10,000, as in PyTorch's VAE example. Throughput is per whole epoch, batch gathering included.

Reads the four IDX files that `./vae train` fetched and checked (default ~/.vae4j/mnist; --data DIR). Needs only
Debian's packages:  apt-get install python3-torch python3-numpy libopenblas0-openmp
(without an optimised BLAS, Debian's PyTorch 1.13 falls back to the reference BLAS and runs about 5x slower).

    /usr/bin/python3 scripts/pytorch-reference.py --seed 1 --threads 2

Prints one line per epoch and, at the end, one CSV line "seed,threads,test_neg_elbo,train_samples_per_s".
With --json (used by vae-bench's runner) the last line is instead "RESULT {json}": each epoch's samples/s, the
peak resident set size in MB after training (peak_rss_mb) and at the end (peak_rss_end_mb), torch's version and thread count, and the BLAS libraries the process has loaded (from /proc/self/maps).
"""
import argparse
import gzip
import json
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def read_idx(path):
    with open(path, "rb") as f:
        opener = gzip.open if f.read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if body.size != int(np.prod(dims)):
        sys.exit(f"{path}: {body.size} bytes of data, the header says {int(np.prod(dims))}")
    return body.reshape(dims)


def images(directory, name):
    path = os.path.join(directory, name)
    if not os.path.isfile(path):
        sys.exit(f"{path} not found: run ./vae train once to fetch and check MNIST, or pass --data DIR")
    x = read_idx(path).reshape(-1, 784).astype(np.float32) / 255.0
    return torch.from_numpy(x)


class ConvVae(nn.Module):
    """The shape of `./vae train --arch conv` (defaults): conv 32, 64 (4x4, stride 2, padding 1), dense 400,
    latent 20; the decoder mirrors it with a dense projection to 64x7x7 and two transposed convolutions."""

    def __init__(self, hidden=400, latent=20):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 4, 2, 1)
        self.conv2 = nn.Conv2d(32, 64, 4, 2, 1)
        self.enc = nn.Linear(64 * 7 * 7, hidden)
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)
        self.dec_hidden = nn.Linear(latent, hidden)
        self.dec_proj = nn.Linear(hidden, 64 * 7 * 7)
        self.deconv1 = nn.ConvTranspose2d(64, 32, 4, 2, 1)
        self.deconv2 = nn.ConvTranspose2d(32, 1, 4, 2, 1)

    def forward(self, x):
        h = F.relu(self.conv2(F.relu(self.conv1(x.view(-1, 1, 28, 28)))))
        h = F.relu(self.enc(h.flatten(1)))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        h = F.relu(self.dec_proj(F.relu(self.dec_hidden(z)))).view(-1, 64, 7, 7)
        logits = self.deconv2(F.relu(self.deconv1(h))).view(-1, 784)
        return torch.sigmoid(logits), mu, logvar


class Vae(nn.Module):
    def __init__(self, hidden=400, latent=20):
        super().__init__()
        self.enc = nn.Linear(784, hidden)
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)
        self.dec_hidden = nn.Linear(latent, hidden)
        self.dec_out = nn.Linear(hidden, 784)

    def forward(self, x):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return torch.sigmoid(self.dec_out(F.relu(self.dec_hidden(z)))), mu, logvar


def loss_sum(probs, x, mu, logvar):
    bce = F.binary_cross_entropy(probs, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kl


def iwae_nll(model, x, k, rows=4096):
    """-mean log p(x) by importance sampling (Burda et al.), k draws per image, as vae4j's evaluate computes it:
    log w = log p(x|z) + log p(z) - log q(z|x), a log-mean-exp per image, decoder calls of at most `rows` rows."""
    model.eval()
    start = time.perf_counter()
    total = 0.0
    per_call = max(1, rows // k)
    with torch.no_grad():
        for i in range(0, x.shape[0], per_call):
            xb = x[i:i + per_call]
            g = xb.shape[0]
            h = F.relu(model.enc(xb)) if not isinstance(model, ConvVae) else None
            if h is None:
                h = F.relu(model.conv2(F.relu(model.conv1(xb.view(-1, 1, 28, 28)))))
                h = F.relu(model.enc(h.flatten(1)))
            mu, logvar = model.mu(h), model.logvar(h)
            logw = []
            for done in range(0, k, max(1, rows // g)):
                m = min(max(1, rows // g), k - done)
                eps = torch.randn(g, m, mu.shape[1])
                z = mu[:, None, :] + torch.exp(0.5 * logvar)[:, None, :] * eps
                logits = decode_logits(model, z.reshape(g * m, -1))
                target = xb[:, None, :].expand(g, m, 784).reshape(g * m, 784)
                log_px = -F.binary_cross_entropy_with_logits(logits, target, reduction="none").sum(1)
                log_q_minus_p = 0.5 * (z.pow(2) - eps.pow(2) - logvar[:, None, :]).sum(2).reshape(-1)
                logw.append((log_px - log_q_minus_p).reshape(g, m))
            logw = torch.cat(logw, 1).double()
            total += (torch.logsumexp(logw, 1) - np.log(k)).sum().item()
    return {"iwae_nll": -total / x.shape[0], "iwae_seconds": time.perf_counter() - start, "iwae_k": k,
            "iwae_n": x.shape[0]}


def decode_logits(model, z):
    h = F.relu(model.dec_hidden(z))
    if isinstance(model, ConvVae):
        h = F.relu(model.dec_proj(h)).view(-1, 64, 7, 7)
        return model.deconv2(F.relu(model.deconv1(h))).view(-1, 784)
    return model.dec_out(h)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=os.path.join(os.path.expanduser("~"), ".vae4j", "mnist"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--json", action="store_true", help="end with a RESULT line in JSON (for vae-bench)")
    p.add_argument("--arch", choices=["mlp", "conv"], default="mlp")
    p.add_argument("--limit", type=int, default=0, help="train on the first N training images only (0: all)")
    p.add_argument("--batch", type=int, default=128, help="training batch size (the protocol's is 128)")
    p.add_argument("--iwae-k", type=int, default=0,
                   help="after training, time the importance-weighted NLL with k samples (0: skip)")
    p.add_argument("--iwae-n", type=int, default=1000, help="test images for --iwae-k")
    a = p.parse_args()
    if a.epochs < 1 or a.threads < 1 or a.limit < 0 or a.batch < 1:
        p.error(f"--epochs, --threads and --batch must be >= 1 and --limit >= 0, got {a.epochs}, {a.threads}, "
                f"{a.batch}, {a.limit}")

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    train = images(a.data, "train-images-idx3-ubyte")
    test = images(a.data, "t10k-images-idx3-ubyte")
    if a.limit > 0:
        train = train[:a.limit]
    model = ConvVae() if a.arch == "conv" else Vae()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch = a.batch
    test_loss = float("nan")
    rates = []
    for epoch in range(1, a.epochs + 1):
        model.train()
        order = torch.randperm(train.shape[0])
        total = 0.0
        start = time.perf_counter()
        for i in range(0, train.shape[0], batch):
            x = train[order[i:i + batch]]
            opt.zero_grad()
            probs, mu, logvar = model(x)
            loss = loss_sum(probs, x, mu, logvar)
            loss.backward()
            opt.step()
            total += loss.item()
        seconds = time.perf_counter() - start
        rates.append(train.shape[0] / seconds)
        model.eval()
        test_total = 0.0
        with torch.no_grad():
            for i in range(0, test.shape[0], batch):
                x = test[i:i + batch]
                probs, mu, logvar = model(x)
                test_total += loss_sum(probs, x, mu, logvar).item()
        test_loss = test_total / test.shape[0]
        print(f"epoch {epoch}: train -ELBO {total / train.shape[0]:.4f}, test -ELBO {test_loss:.4f}, "
              f"{rates[-1]:.0f} samples/s", flush=True)
    steady = rates[1:] if len(rates) > 1 else rates
    peak_rss_training = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    iwae = {}
    if a.iwae_k > 0:
        iwae = iwae_nll(model, test[:a.iwae_n], a.iwae_k)
        print(f"importance-weighted NLL (k={a.iwae_k}, {a.iwae_n} test images): {iwae['iwae_nll']:.2f} nats, "
              f"{iwae['iwae_seconds']:.1f} s", flush=True)
    if a.json:
        blas = loaded_blas()
        print("RESULT " + json.dumps({
            "samples_per_s": rates, "peak_rss_mb": peak_rss_training,
            "peak_rss_end_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas,
            "test_neg_elbo": test_loss, **iwae}))
    else:
        print(f"{a.seed},{a.threads},{test_loss:.4f},{sum(steady) / len(steady):.0f}")


def loaded_blas():
    """The BLAS libraries this process has mapped (read from /proc/self/maps, so LD_LIBRARY_PATH counts), or, where
    that file is missing, what libblas.so.3 resolves to."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
        found = sorted({os.path.realpath(p) for p in paths if "blas" in os.path.basename(p)})
        if found:
            return " + ".join(found)
    except OSError:
        pass
    return os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")


if __name__ == "__main__":
    main()
