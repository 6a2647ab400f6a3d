/*
 * The latent explorer of report.html: a plain forward pass of the model's dense layers over the weights inlined in
 * the page (no library, no network), and the views built on it. The arithmetic follows the Java graph: dense layers
 * x W + b (accumulated in double), the same activations, Bernoulli logits through a sigmoid or Gaussian means as
 * they are, and for the score the same stable per-pixel NLL and analytic KL.
 */
(function () {
  'use strict';
  var errors = window.vaeExplorerErrors = window.vaeExplorerErrors || [];
  var api = window.vaeExplorer = {ready: false};

  function $(id) { return document.getElementById(id); }

  function problem(message) {
    var p = $('vx-problem');
    if (p) {
      p.hidden = false;
      p.textContent = message;
    }
  }

  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    problem('The explorer stopped on an error: ' + e.message + '. The pictures and tables above are unaffected.');
  });

  // ---- the model ----------------------------------------------------------------------------------------------

  var M = JSON.parse($('vae-explorer-data').textContent);
  var L = M.latent, W = M.cols, H = M.rows, P = W * H, C = M.conditional ? M.classes : 0;

  function floats(b64) {
    var s = atob(b64), view = new DataView(new ArrayBuffer(s.length));
    for (var i = 0; i < s.length; i++) view.setUint8(i, s.charCodeAt(i));
    var out = new Float32Array(s.length / 4);
    for (var j = 0; j < out.length; j++) out[j] = view.getFloat32(4 * j, true);
    return out;
  }

  function layer(o) {
    return {in: o.in, out: o.out, act: o.activation, w: floats(o.w), b: floats(o.b)};
  }

  var encoder = M.encoder.map(layer), muHead = layer(M.mu), logVarHead = M.logVar ? layer(M.logVar) : null;
  var decoder = M.decoder.map(layer);

  function activate(name, v) {
    switch (name) {
      case null: case undefined: return v;
      case 'RELU': return v > 0 ? v : 0;
      case 'LEAKY_RELU': return v > 0 ? v : 0.01 * v;
      case 'ELU': return v > 0 ? v : Math.expm1(v);
      case 'TANH': return Math.tanh(v);
      case 'SIGMOID': return 1 / (1 + Math.exp(-v));
      case 'SOFTPLUS': return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      default: throw new Error('unknown activation ' + name);
    }
  }

  /** x W + b, then the layer's activation; W is [in, out] row-major. */
  function dense(l, x) {
    var y = new Float64Array(l.out), i, j;
    for (j = 0; j < l.out; j++) y[j] = l.b[j];
    for (i = 0; i < l.in; i++) {
      var xi = x[i];
      if (xi === 0) continue;
      var row = i * l.out;
      for (j = 0; j < l.out; j++) y[j] += xi * l.w[row + j];
    }
    if (l.act) for (j = 0; j < l.out; j++) y[j] = activate(l.act, y[j]);
    return y;
  }

  function withLabel(x, label) {
    if (!C) return x;
    var out = new Float64Array(x.length + C);
    out.set(x);
    out[x.length + label] = 1;
    return out;
  }

  /** The decoder's output layer: Bernoulli logits or Gaussian means. */
  function decoderOutput(z, label) {
    var h = withLabel(z, label);
    for (var k = 0; k < decoder.length; k++) h = dense(decoder[k], h);
    return h;
  }

  function pixelMeans(out) {
    if (M.likelihood !== 'BERNOULLI') return out;
    var m = new Float64Array(out.length);
    for (var i = 0; i < out.length; i++) m[i] = 1 / (1 + Math.exp(-out[i]));
    return m;
  }

  function decode(z, label) { return pixelMeans(decoderOutput(z, label)); }

  /** The posterior's mean and log-variance (null for an autoencoder) of pixels in [0, 1]. */
  function encode(pixels, label) {
    var h = withLabel(pixels, label);
    for (var k = 0; k < encoder.length; k++) h = dense(encoder[k], h);
    return {mu: dense(muHead, h), logVar: logVarHead ? dense(logVarHead, h) : null};
  }

  /** The image's -ELBO with the reconstruction taken at z = mu: reconstruction NLL plus analytic KL, in nats. */
  function score(pixels, label) {
    var q = encode(pixels, label), out = decoderOutput(q.mu, label), nll = 0, kl = 0, i;
    if (M.likelihood === 'BERNOULLI') {
      for (i = 0; i < P; i++) {
        var l = out[i];
        nll += Math.max(l, 0) - l * pixels[i] + Math.log1p(Math.exp(-Math.abs(l)));
      }
    } else {
      var v = M.gaussianVariance;
      for (i = 0; i < P; i++) {
        var d = pixels[i] - out[i];
        nll += d * d / (2 * v) + 0.5 * Math.log(2 * Math.PI * v);
      }
    }
    if (q.logVar) {
      for (i = 0; i < L; i++) kl += -0.5 * (1 + q.logVar[i] - q.mu[i] * q.mu[i] - Math.exp(q.logVar[i]));
    }
    return {score: nll + kl, reconstruction: nll, kl: kl, mu: q.mu, out: pixelMeans(out)};
  }

  // ---- the test images --------------------------------------------------------------------------------------

  var testBytes = (function () {
    var s = atob(M.test.pixels), b = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return b;
  })();
  var N = M.test.count, labels = M.test.labels;

  function testImage(i) {
    var x = new Float64Array(P);
    for (var j = 0; j < P; j++) x[j] = testBytes[i * P + j] / 255;
    return x;
  }

  var codes = [], scores = [];

  // ---- drawing helpers --------------------------------------------------------------------------------------

  var COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];

  /** Draws grey levels (0 black, 1 white, as MNIST's images are shown in the report) scaled to a rectangle. */
  function drawDigit(ctx, means, x, y, size) {
    var img = document.createElement('canvas');
    img.width = W;
    img.height = H;
    var ic = img.getContext('2d'), data = ic.createImageData(W, H);
    for (var i = 0; i < P; i++) {
      var g = Math.round(255 * Math.min(1, Math.max(0, means[i])));
      data.data[4 * i] = data.data[4 * i + 1] = data.data[4 * i + 2] = g;
      data.data[4 * i + 3] = 255;
    }
    ic.putImageData(data, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, x, y, size, size);
  }

  function fmt(v) { return (Math.round(v * 100) / 100).toFixed(2); }

  // ---- the plane: raw axes for a 2-D latent space, else the leading principal directions of the test codes -----

  // mean code, orthonormal directions, standard deviation along each, and the plane's range along the first two
  var centre, axes, spread, plane;

  /** Eigenvectors of a symmetric matrix by cyclic Jacobi rotations, sorted by decreasing eigenvalue. */
  function eigen(a, n) {
    var v = [], i, j, k;
    for (i = 0; i < n; i++) { v.push(new Float64Array(n)); v[i][i] = 1; }
    for (var sweep = 0; sweep < 100; sweep++) {
      var off = 0;
      for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
      if (off < 1e-22) break;
      for (var p = 0; p < n; p++) {
        for (var q = p + 1; q < n; q++) {
          if (Math.abs(a[p][q]) < 1e-300) continue;
          var theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          var t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          var c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (k = 0; k < n; k++) {  // A <- A J on columns p, q
            var akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (k = 0; k < n; k++) {  // A <- J^T A on rows p, q
            var apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (k = 0; k < n; k++) {  // V <- V J; column k of V is v[.][k]
            var vkp = v[k][p], vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    var order = [];
    for (i = 0; i < n; i++) order.push(i);
    order.sort(function (x, y) { return a[y][y] - a[x][x]; });
    return order.map(function (col) {
      var e = new Float64Array(n);
      for (var r = 0; r < n; r++) e[r] = v[r][col];
      return {vector: e, value: Math.max(0, a[col][col])};
    });
  }

  function computeAxes() {
    var i, j, k;
    centre = new Float64Array(L);
    if (L === 2) {
      axes = [Float64Array.of(1, 0), Float64Array.of(0, 1)];
      spread = [1, 1];
    } else {
      for (i = 0; i < N; i++) for (k = 0; k < L; k++) centre[k] += codes[i][k] / N;
      var cov = [];
      for (j = 0; j < L; j++) cov.push(new Float64Array(L));
      for (i = 0; i < N; i++) {
        for (j = 0; j < L; j++) {
          var dj = codes[i][j] - centre[j];
          for (k = 0; k < L; k++) cov[j][k] += dj * (codes[i][k] - centre[k]) / N;
        }
      }
      var e = eigen(cov, L);
      axes = e.map(function (x) { return x.vector; });
      spread = e.map(function (x) { return Math.max(1e-3, Math.sqrt(x.value)); });
    }
    // the plane spans the middle 98% of the test codes and, for a 2-D space, the prior's bulk [-2, 2]; one scale
    // on both axes, so that distances look like distances
    var lo = [], hi = [];
    for (k = 0; k < 2; k++) {
      var a = codes.map(function (z) { return along(z, k); }).sort(function (x, y) { return x - y; });
      var low = a[Math.floor(0.01 * (N - 1))], high = a[Math.ceil(0.99 * (N - 1))];
      if (L === 2) { low = Math.min(low, -2); high = Math.max(high, 2); }
      var pad = 0.08 * (high - low || 1);
      lo.push(low - pad);
      hi.push(high + pad);
    }
    var side = Math.max(hi[0] - lo[0], hi[1] - lo[1]);
    plane = [];
    for (k = 0; k < 2; k++) {
      var mid = (lo[k] + hi[k]) / 2;
      plane.push([mid - side / 2, mid + side / 2]);
    }
  }

  function along(z, k) {
    var s = 0;
    for (var i = 0; i < L; i++) s += (z[i] - centre[i]) * axes[k][i];
    return s;
  }

  /** z with its coordinate along direction k set to a. */
  function setAlong(z, k, a) {
    var d = a - along(z, k), out = Float64Array.from(z);
    for (var i = 0; i < L; i++) out[i] += d * axes[k][i];
    return out;
  }

  // ---- state ------------------------------------------------------------------------------------------------

  var state = {z: new Float64Array(L), label: 0};
  var planeCtx = $('vx-plane').getContext('2d'), digitCtx = $('vx-digit').getContext('2d');
  var planeBase = null, manifoldLabel = -1, sliders = [];

  function toPlane(a, b) {
    var c = $('vx-plane');
    return [(a - plane[0][0]) / (plane[0][1] - plane[0][0]) * c.width,
      (plane[1][1] - b) / (plane[1][1] - plane[1][0]) * c.height];
  }

  function fromPlane(px, py) {
    var c = $('vx-plane');
    return [plane[0][0] + px / c.width * (plane[0][1] - plane[0][0]),
      plane[1][1] - py / c.height * (plane[1][1] - plane[1][0])];
  }

  function drawPlaneBase() {
    var c = $('vx-plane'), ctx = planeCtx;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.strokeStyle = '#ddd';
    var o = toPlane(0, 0);
    ctx.beginPath();
    ctx.moveTo(0, o[1]); ctx.lineTo(c.width, o[1]);
    ctx.moveTo(o[0], 0); ctx.lineTo(o[0], c.height);
    ctx.stroke();
    for (var i = 0; i < N; i++) {
      var p = toPlane(along(codes[i], 0), along(codes[i], 1));
      ctx.fillStyle = COLOURS[labels[i] % 10];
      ctx.fillRect(p[0] - 1.5, p[1] - 1.5, 3, 3);
    }
    ctx.font = '11px sans-serif';
    for (var d = 0; d < 10; d++) {
      ctx.fillStyle = COLOURS[d];
      ctx.fillRect(6 + d * 22, 6, 8, 8);
      ctx.fillStyle = '#222';
      ctx.fillText(String(d), 16 + d * 22, 14);
    }
    planeBase = ctx.getImageData(0, 0, c.width, c.height);
  }

  function drawManifold() {
    var c = $('vx-manifold'), ctx = c.getContext('2d'), n = 12, tile = Math.floor(c.width / n);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, c.width, c.height);
    for (var r = 0; r < n; r++) {
      for (var q = 0; q < n; q++) {
        var a = plane[0][0] + (q + 0.5) * (plane[0][1] - plane[0][0]) / n;
        var b = plane[1][1] - (r + 0.5) * (plane[1][1] - plane[1][0]) / n;
        var z = setAlong(setAlong(centre, 0, a), 1, b);
        drawDigit(ctx, decode(z, state.label), q * tile, r * tile, tile);
      }
    }
    manifoldLabel = state.label;
  }

  function fragment() {
    var parts = ['z=' + Array.prototype.map.call(state.z, function (v) { return v.toFixed(3); }).join(',')];
    if (C) parts.push('label=' + state.label);
    return '#' + parts.join('&');
  }

  function render(updateUrl) {
    if (C && manifoldLabel !== state.label) drawManifold();
    digitCtx.fillStyle = '#000';
    drawDigit(digitCtx, decode(state.z, state.label), 0, 0, $('vx-digit').width);
    $('vx-z').textContent = 'z = (' + Array.prototype.map.call(state.z, fmt).join(', ') + ')'
        + (C ? ', label ' + state.label : '');
    planeCtx.putImageData(planeBase, 0, 0);
    var p = toPlane(along(state.z, 0), along(state.z, 1));
    planeCtx.strokeStyle = '#000';
    planeCtx.lineWidth = 2;
    planeCtx.beginPath();
    planeCtx.arc(p[0], p[1], 7, 0, 2 * Math.PI);
    planeCtx.moveTo(p[0] - 11, p[1]); planeCtx.lineTo(p[0] + 11, p[1]);
    planeCtx.moveTo(p[0], p[1] - 11); planeCtx.lineTo(p[0], p[1] + 11);
    planeCtx.stroke();
    planeCtx.lineWidth = 1;
    sliders.forEach(function (s) {
      var a = along(state.z, s.k);
      s.input.value = String(a);
      s.value.textContent = fmt(a);
    });
    if (C) $('vx-label').value = String(state.label);
    var f = fragment();
    $('vx-link').href = f;
    if (updateUrl && location.hash !== f) {
      try {
        history.replaceState(null, '', f);
      } catch (ignored) {
        // some browsers refuse to change a file:// page's address; the link above still carries the view
      }
    }
  }

  function setZ(z, updateUrl) {
    state.z = Float64Array.from(z);
    render(updateUrl);
  }

  /** Reads #z=v1,...&label=D; a malformed fragment is reported and leaves the view as it was. */
  function applyFragment() {
    var hash = location.hash.replace(/^#/, '');
    if (!hash) return false;
    var z = null, label = state.label;
    hash.split('&').forEach(function (part) {
      var kv = part.split('=');
      if (kv[0] === 'z') z = decodeURIComponent(kv[1] || '').split(',').map(Number);
      if (kv[0] === 'label') label = Number(kv[1]);
    });
    if (!z) return false;
    if (z.length !== L || z.some(function (v) { return !isFinite(v); })) {
      problem('The address asks for the code #z=' + z.join(',') + ', but this model\'s codes are ' + L
          + ' finite numbers; showing the mean code instead.');
      return false;
    }
    if (C && !(label >= 0 && label < C && Math.floor(label) === label)) {
      problem('The address asks for label ' + label + '; this model knows labels 0 to ' + (C - 1) + '.');
      label = state.label;
    }
    state.label = C ? label : 0;
    setZ(z, false);
    return true;
  }

  function gaussian() {
    var u = 1 - Math.random(), v = Math.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  // ---- interpolation ----------------------------------------------------------------------------------------

  var strip = [], ends = [0, 1];  // the strip's start and end images

  function buildStrip() {
    var perDigit = {};
    for (var i = 0; i < N && strip.length < 20; i++) {
      var d = labels[i];
      perDigit[d] = (perDigit[d] || 0) + 1;
      if (perDigit[d] <= 2) strip.push(i);
    }
    strip.sort(function (a, b) { return labels[a] - labels[b] || a - b; });
    ends = [0, strip.length - 1];  // the first digit to the last, say 0 to 9
    var c = document.createElement('canvas');
    c.id = 'vx-strip-canvas';
    c.width = 10 * 56;
    c.height = Math.ceil(strip.length / 10) * 56;
    $('vx-strip').appendChild(c);
    c.addEventListener('click', function (ev) {
      var r = c.getBoundingClientRect();
      var idx = Math.floor((ev.clientY - r.top) / 56) * 10 + Math.floor((ev.clientX - r.left) / 56);
      if (idx >= strip.length) return;
      ends = ends[1] === null ? [ends[0], idx] : [idx, null];
      drawStrip();
      if (ends[1] !== null) drawInterpolation();
    });
    drawStrip();
  }

  function drawStrip() {
    var c = $('vx-strip-canvas'), ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    strip.forEach(function (img, k) {
      var x = (k % 10) * 56, y = Math.floor(k / 10) * 56;
      drawDigit(ctx, testImage(img), x + 2, y + 2, 52);
      var role = ends.indexOf(k);
      if (role >= 0) {
        ctx.strokeStyle = role === 0 ? '#1f77b4' : '#ff7f0e';
        ctx.lineWidth = 4;
        ctx.strokeRect(x + 2, y + 2, 52, 52);
        ctx.lineWidth = 1;
      }
    });
  }

  function drawInterpolation() {
    var c = $('vx-interp'), ctx = c.getContext('2d'), a = codes[strip[ends[0]]], b = codes[strip[ends[1]]];
    for (var s = 0; s < 10; s++) {
      var t = s / 9, z = new Float64Array(L);
      for (var i = 0; i < L; i++) z[i] = (1 - t) * a[i] + t * b[i];
      drawDigit(ctx, decode(z, C ? state.label : 0), s * 56, 0, 56);
    }
  }

  // ---- drawing a digit --------------------------------------------------------------------------------------

  var drawn = null;

  /** MNIST's preparation: the ink scaled into a 20x20 box, then placed so its centre of mass is the image's centre. */
  function drawnPixels() {
    var src = $('vx-draw'), sctx = src.getContext('2d'), d = sctx.getImageData(0, 0, src.width, src.height).data;
    var minX = src.width, minY = src.height, maxX = -1, maxY = -1, x, y;
    for (y = 0; y < src.height; y++) {
      for (x = 0; x < src.width; x++) {
        if (d[4 * (y * src.width + x)] > 20) {
          minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
        }
      }
    }
    if (maxX < 0) return null;
    var bw = maxX - minX + 1, bh = maxY - minY + 1, scale = 20 / Math.max(bw, bh);
    var box = document.createElement('canvas');
    box.width = W;
    box.height = H;
    var bctx = box.getContext('2d');
    bctx.fillStyle = '#000';
    bctx.fillRect(0, 0, W, H);
    bctx.imageSmoothingEnabled = true;
    bctx.imageSmoothingQuality = 'high';
    var w = bw * scale, h = bh * scale;
    bctx.drawImage(src, minX, minY, bw, bh, (W - w) / 2, (H - h) / 2, w, h);
    var small = bctx.getImageData(0, 0, W, H).data, g = new Float64Array(P), mass = 0, cx = 0, cy = 0;
    for (var i = 0; i < P; i++) {
      g[i] = small[4 * i] / 255;
      mass += g[i];
      cx += g[i] * (i % W);
      cy += g[i] * Math.floor(i / W);
    }
    var dx = Math.round((W - 1) / 2 - cx / mass), dy = Math.round((H - 1) / 2 - cy / mass), out = new Float64Array(P);
    for (y = 0; y < H; y++) {
      for (x = 0; x < W; x++) {
        var sx = x - dx, sy = y - dy;
        if (sx >= 0 && sx < W && sy >= 0 && sy < H) out[y * W + x] = g[sy * W + sx];
      }
    }
    return out;
  }

  var histogram = null;

  function buildHistogram() {
    var sorted = scores.slice().sort(function (a, b) { return a - b; });
    var lo = sorted[0], hi = sorted[Math.floor(0.995 * (sorted.length - 1))];
    histogram = {sorted: sorted, lo: lo, hi: hi};
    drawHistogram(null);
  }

  function drawHistogram(mark) {
    var c = $('vx-hist'), ctx = c.getContext('2d'), bins = 40, counts = new Array(bins).fill(0);
    var lo = histogram.lo, hi = Math.max(histogram.hi, mark === null ? -Infinity : mark);
    var span = (hi - lo) || 1, left = 40, bottom = c.height - 30, width = c.width - left - 10;
    histogram.sorted.forEach(function (s) {
      counts[Math.min(bins - 1, Math.max(0, Math.floor((s - lo) / span * bins)))]++;
    });
    var top = Math.max.apply(null, counts);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.fillStyle = '#7aa6d6';
    for (var b = 0; b < bins; b++) {
      var h = counts[b] / top * (bottom - 10);
      ctx.fillRect(left + b * width / bins, bottom - h, width / bins - 1, h);
    }
    ctx.fillStyle = '#222';
    ctx.font = '11px sans-serif';
    ctx.fillText(fmt(lo), left, bottom + 14);
    ctx.fillText(fmt(hi), left + width - 30, bottom + 14);
    ctx.fillText('-ELBO of ' + histogram.sorted.length + ' test images (nats)', left + width / 2 - 90, bottom + 26);
    ctx.save();
    ctx.translate(12, bottom);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('images', 0, 0);
    ctx.restore();
    if (mark !== null) {
      var x = left + (mark - lo) / span * width;
      ctx.strokeStyle = '#d62728';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x, 4); ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.lineWidth = 1;
    }
  }

  function percentile(s) {
    var below = 0;
    histogram.sorted.forEach(function (v) { if (v < s) below++; });
    return 100 * below / histogram.sorted.length;
  }

  function scoreDrawing() {
    var x = drawnPixels(), input = $('vx-draw-input').getContext('2d'), recon = $('vx-draw-recon').getContext('2d');
    if (!x) {
      drawn = null;
      $('vx-use').disabled = true;
      input.fillStyle = recon.fillStyle = '#000';
      input.fillRect(0, 0, 112, 112);
      recon.fillRect(0, 0, 112, 112);
      $('vx-score').textContent = 'Draw to score';
      drawHistogram(null);
      return;
    }
    var r = score(x, state.label);
    drawn = r;
    $('vx-use').disabled = false;
    drawDigit(input, x, 0, 0, 112);
    drawDigit(recon, r.out, 0, 0, 112);
    drawHistogram(r.score);
    $('vx-score').textContent = '-ELBO ' + fmt(r.score) + ' nats (reconstruction ' + fmt(r.reconstruction)
        + ', KL ' + fmt(r.kl) + '): higher than ' + percentile(r.score).toFixed(1) + '% of the test images'
        + (C ? ', read as label ' + state.label : '') + '. Mean code (' + Array.prototype.map.call(r.mu, fmt)
        .join(', ') + ').';
  }

  function setUpDrawing() {
    var c = $('vx-draw'), ctx = c.getContext('2d'), down = false, last = null;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, c.width, c.height);
    function at(ev) {
      var r = c.getBoundingClientRect();
      return [(ev.clientX - r.left) * c.width / r.width, (ev.clientY - r.top) * c.height / r.height];
    }
    function stroke(p) {
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 18;
      ctx.lineCap = ctx.lineJoin = 'round';
      ctx.beginPath();
      ctx.moveTo(last[0], last[1]);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      last = p;
    }
    c.style.touchAction = 'none';
    c.addEventListener('pointerdown', function (ev) {
      down = true;
      last = at(ev);
      stroke(last);
      c.setPointerCapture(ev.pointerId);
      touched();
    });
    c.addEventListener('pointermove', function (ev) { if (down) { stroke(at(ev)); touched(); } });
    function end() {
      if (!down) return;
      down = false;
      scoreDrawing();
    }
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    $('vx-clear').addEventListener('click', function () {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, c.width, c.height);
      scoreDrawing();
    });
    $('vx-use').addEventListener('click', function () {
      if (drawn) setZ(drawn.mu, true);
      $('vx').scrollIntoView();
    });
    scoreDrawing();
  }

  // ---- controls ---------------------------------------------------------------------------------------------

  /** When the user last touched the explorer; a live report waits for a quiet moment before it reloads. */
  function touched() { window.vaeExplorerTouched = Date.now(); }

  function setUpControls() {
    var planeCanvas = $('vx-plane'), dragging = false;
    function pick(ev) {
      var r = planeCanvas.getBoundingClientRect();
      var ab = fromPlane((ev.clientX - r.left) * planeCanvas.width / r.width, (ev.clientY - r.top) * planeCanvas.height / r.height);
      setZ(setAlong(setAlong(state.z, 0, ab[0]), 1, ab[1]), true);
      touched();
    }
    planeCanvas.style.touchAction = 'none';
    planeCanvas.addEventListener('pointerdown', function (ev) { dragging = true; planeCanvas.setPointerCapture(ev.pointerId); pick(ev); });
    planeCanvas.addEventListener('pointermove', function (ev) { if (dragging) pick(ev); });
    planeCanvas.addEventListener('pointerup', function () { dragging = false; });
    planeCanvas.addEventListener('pointercancel', function () { dragging = false; });
    $('vx-random').addEventListener('click', function () {
      var z = new Float64Array(L);
      for (var i = 0; i < L; i++) z[i] = gaussian();
      setZ(z, true);
      touched();
    });
    $('vx-reset').addEventListener('click', function () { setZ(centre, true); touched(); });
    if (C) {
      $('vx-label-box').hidden = false;
      for (var d = 0; d < C; d++) {
        var o = document.createElement('option');
        o.value = o.textContent = String(d);
        $('vx-label').appendChild(o);
      }
      $('vx-label').addEventListener('change', function () {
        state.label = Number($('vx-label').value);
        render(true);
        drawInterpolation();
        scoreDrawing();
        touched();
      });
    }
    var box = $('vx-sliders'), shown = Math.min(L, 10);
    for (var k = 0; k < shown; k++) {
      var row = document.createElement('label'), input = document.createElement('input');
      var value = document.createElement('span');
      row.className = 'vx-slider';
      input.type = 'range';
      var range = k < 2 ? plane[k] : [-3 * spread[k], 3 * spread[k]];
      input.min = String(range[0]);
      input.max = String(range[1]);
      input.step = String((range[1] - range[0]) / 300);
      var name = document.createElement('span');
      name.className = 'vx-slider-name';
      name.textContent = L === 2 ? 'z' + (k + 1) : 'PC' + (k + 1);
      row.appendChild(name);
      row.appendChild(input);
      row.appendChild(value);
      box.appendChild(row);
      (function (k, input) {
        input.addEventListener('input', function () { setZ(setAlong(state.z, k, Number(input.value)), true); touched(); });
      })(k, input);
      sliders.push({k: k, input: input, value: value});
    }
    if (L > 2) {
      var total = spread.reduce(function (s, x) { return s + x * x; }, 0);
      var share = (spread[0] * spread[0] + spread[1] * spread[1]) / total * 100;
      $('vx-plane-caption').textContent = 'Posterior means of ' + N + ' test images projected on their two leading '
          + 'principal directions (' + share.toFixed(0) + '% of their variance); click or drag to move z along them.';
      $('vx-manifold-caption').textContent = 'Decoded over the plane of the two leading directions, the other '
          + (L - 2) + ' at the test codes\' mean';
      if (L > shown) {
        var note = document.createElement('p');
        note.className = 'note';
        note.textContent = 'Sliders move z along the ' + shown + ' leading principal directions of the test codes; '
            + '"Random z" draws all ' + L + ' coordinates from the prior.';
        box.appendChild(note);
      }
    } else {
      $('vx-plane-caption').textContent = 'Posterior means of ' + N + ' test images, coloured by digit; click or '
          + 'drag to decode a point.';
      $('vx-manifold-caption').textContent = 'Decoded over the latent plane (12 x 12 codes)';
    }
    window.addEventListener('hashchange', applyFragment);
  }

  // ---- start: encode the test images in slices, so that the page stays responsive -----------------------------

  api.decode = function (z, label) { return Array.from(decode(Float64Array.from(z), label || 0)); };
  api.encode = function (pixels, label) {
    var q = encode(Float64Array.from(pixels), label || 0);
    return {mu: Array.from(q.mu), logVar: q.logVar ? Array.from(q.logVar) : null};
  };
  api.score = function (pixels, label) {
    var r = score(Float64Array.from(pixels), label || 0);
    return {score: r.score, reconstruction: r.reconstruction, kl: r.kl};
  };
  api.state = function () { return {z: Array.from(state.z), label: state.label}; };

  $('vx').hidden = false;
  var next = 0;
  function encodeSome() {
    var end = Math.min(N, next + 50);
    for (; next < end; next++) {
      var r = score(testImage(next), labels[next]);
      codes.push(r.mu);
      scores.push(r.score);
    }
    $('vx-status').textContent = 'Encoding the test images\u2026 ' + next + ' of ' + N;
    if (next < N) {
      setTimeout(encodeSome, 0);
      return;
    }
    computeAxes();
    drawPlaneBase();
    setUpControls();
    buildStrip();
    buildHistogram();
    setUpDrawing();
    drawManifold();
    state.z = Float64Array.from(centre);
    if (!applyFragment()) render(false);
    drawInterpolation();
    $('vx-status').textContent = 'Model of epoch ' + M.epoch + ' (' + M.kind + ', ' + L + '-D latent, '
        + M.likelihood.toLowerCase() + ' likelihood); ' + N + ' test images encoded.';
    api.ready = true;
  }
  encodeSome();
})();
