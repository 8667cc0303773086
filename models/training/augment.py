"""Batch augmentation on the training device (GPU or CPU): geometry, resolution, blur, colour, noise, JPEG.

Input: uint8 [B, 3, S, S] images (S = 144 at 0.25 um/px). Output: float [B, 3, 96, 96] in [0, 1].
Everything is vectorised over the batch so the GPU, not Python, does the work.
"""
import math

import torch
import torch.nn.functional as F

OUT = 96

# Standard JPEG quantisation tables (ITU T.81 Annex K), scaled by quality like libjpeg.
_LUMA = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
         14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
         49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
_CHROMA = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
           47, 66, 99, 99, 99, 99, 99, 99] + [99] * 32


def _dct_matrix(device):
    n = torch.arange(8, dtype=torch.float32, device=device)
    d = torch.cos((2 * n[None, :] + 1) * n[:, None] * math.pi / 16) * math.sqrt(2 / 8)
    d[0] /= math.sqrt(2)
    return d


def jpeg_like(x, quality):
    """Approximates JPEG compression of x ([B,3,H,W] in [0,1], H and W multiples of 8) at a quality
    (libjpeg scaling): YCbCr, 8x8 DCT, quantise, round, inverse. No chroma subsampling."""
    b, _, h, w = x.shape
    dev = x.device
    scale = 5000 / quality if quality < 50 else 200 - 2 * quality
    q = torch.tensor([_LUMA, _CHROMA, _CHROMA], dtype=torch.float32, device=dev)
    q = torch.clamp(torch.floor((q * scale + 50) / 100), 1, 255).view(3, 1, 1, 8, 8)
    m = torch.tensor([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]], device=dev)
    ycc = torch.einsum("ij,bjhw->bihw", m, x * 255) - torch.tensor([128.0, 0, 0], device=dev).view(1, 3, 1, 1)
    blocks = ycc.view(b, 3, h // 8, 8, w // 8, 8).permute(0, 1, 2, 4, 3, 5)
    d = _dct_matrix(dev)
    coef = d @ blocks @ d.t()
    coef = torch.round(coef / q) * q
    rec = (d.t() @ coef @ d).permute(0, 1, 2, 4, 3, 5).reshape(b, 3, h, w)
    rec = rec + torch.tensor([128.0, 0, 0], device=dev).view(1, 3, 1, 1)
    minv = torch.tensor([[1.0, 0.0, 1.402], [1.0, -0.344136, -0.714136], [1.0, 1.772, 0.0]], device=dev)
    return torch.einsum("ij,bjhw->bihw", minv, rec) / 255


def _gauss_blur(x, sigma):
    r = max(1, int(math.ceil(2.5 * sigma)))
    t = torch.arange(-r, r + 1, dtype=torch.float32, device=x.device)
    k = torch.exp(-(t ** 2) / (2 * sigma ** 2))
    k = (k / k.sum()).to(x.dtype)
    c = x.shape[1]
    x = F.conv2d(F.pad(x, (r, r, 0, 0), mode="reflect"), k.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(F.pad(x, (0, 0, r, r), mode="reflect"), k.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)


def _subset(x, p, fn, gen):
    """Applies fn to a random subset (probability p per image) of the batch."""
    mask = torch.rand(x.shape[0], device=x.device, generator=gen) < p
    idx = mask.nonzero().flatten()
    if idx.numel():
        x = x.clone()
        x[idx] = fn(x[idx])
    return x


def augment(xb, gen=None, rot_deg=15.0, scale=(0.87, 1.15), shift_px=6.0):
    """Random crop-level augmentation of a uint8 batch into 96x96 floats in [0, 1]."""
    b, _, s, _ = xb.shape
    dev = xb.device
    x = xb.float() / 255
    rnd = lambda *shape: torch.rand(*shape, device=dev, generator=gen)
    # Geometry: rot90 + small rotation, flip, log-uniform scale, shift. theta maps output to input coords.
    ang = torch.floor(rnd(b) * 4) * (math.pi / 2) + (rnd(b) * 2 - 1) * math.radians(rot_deg)
    sc = torch.exp(math.log(scale[0]) + rnd(b) * (math.log(scale[1]) - math.log(scale[0])))
    flip = torch.where(rnd(b) < 0.5, -1.0, 1.0)
    k = sc * OUT / s
    theta = torch.zeros(b, 2, 3, device=dev)
    theta[:, 0, 0] = k * torch.cos(ang) * flip
    theta[:, 0, 1] = -k * torch.sin(ang)
    theta[:, 1, 0] = k * torch.sin(ang) * flip
    theta[:, 1, 1] = k * torch.cos(ang)
    theta[:, :, 2] = (rnd(b, 2) * 2 - 1) * shift_px / (s / 2)
    grid = F.affine_grid(theta, [b, 3, OUT, OUT], align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    # Resolution jitter: the engine resamples slides of other scales with another kernel (sharp).
    r = int(OUT * (0.6 + 0.35 * float(rnd(1))))
    mode = "bilinear" if float(rnd(1)) < 0.5 else "bicubic"
    x = _subset(x, 0.3, lambda t: F.interpolate(F.interpolate(t, size=(r, r), mode="area"), size=(OUT, OUT),
                                                mode=mode, align_corners=False), gen)
    sigma = 0.3 + 0.8 * float(rnd(1))
    x = _subset(x, 0.25, lambda t: _gauss_blur(t, sigma), gen)
    # Colour: per-channel gain and gamma, saturation, brightness/contrast (stain and scanner variation).
    gain = 1 + (rnd(b, 3, 1, 1) * 2 - 1) * 0.08
    gamma = torch.exp((rnd(b, 3, 1, 1) * 2 - 1) * 0.12)
    x = torch.clamp(x, 1e-4, 1) ** gamma * gain
    grey = x.mean(1, keepdim=True)
    sat = 1 + (rnd(b, 1, 1, 1) * 2 - 1) * 0.2
    x = grey + (x - grey) * sat
    con = 1 + (rnd(b, 1, 1, 1) * 2 - 1) * 0.1
    x = (x - 0.5) * con + 0.5 + (rnd(b, 1, 1, 1) * 2 - 1) * 0.04
    x = x + torch.randn(x.shape, device=dev, generator=gen) * (rnd(b, 1, 1, 1) * 0.015)
    x = torch.clamp(x, 0, 1)
    # JPEG artefacts: the training pack is WebP, the data the engine sees is JPEG.
    quality = int(60 + 35 * float(rnd(1)))
    x = _subset(x, 0.5, lambda t: jpeg_like(t, quality), gen)
    return torch.clamp(x, 0, 1)
