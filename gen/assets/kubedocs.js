/* The kubedocs plugin's script, published into every site that lists the plugin (gen/assets/).
   For each figure: zoom (buttons, Ctrl/⌘ + wheel, pinch) and pan (drag; touch scrolls natively) of the inline
   SVG, a tooltip for each box (hover or focus), and a box's link opening its manifest in the source block.
   Nothing is fetched. Re-run on every page of Material's instant navigation (document$). */
(function () {
  "use strict";

  var MIN_SCALE = 0.1;
  var MAX_SCALE = 4;
  var STEP = 1.25;
  var WIDE = 600; // px: from this width on, figures open fitted to the column (narrower, on phones: see start)
  // On a phone a figure fitted to the width may be unreadable: it opens no smaller than this size of its smallest
  // label, panned sideways (and says so).
  var PHONE_LABEL = 9;
  var PT = 4 / 3; // Graphviz sizes the SVG in points

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  function words(figure) {
    try {
      return JSON.parse(figure.getAttribute("data-kd-words") || "{}");
    } catch (error) {
      return {};
    }
  }

  function naturalSize(svg) {
    var width = parseFloat(svg.getAttribute("width"));
    var height = parseFloat(svg.getAttribute("height"));
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (!(width > 0) && box) width = box.width;
    if (!(height > 0) && box) height = box.height;
    var unit = /pt$/.test(svg.getAttribute("width") || "") ? PT : 1;
    return { width: width * unit, height: height * unit };
  }

  /* The height in px of the figure's smallest label at natural size (0 when it has none). */
  function smallestLabel(svg, naturalWidth) {
    var box = svg.viewBox && svg.viewBox.baseVal;
    var perUnit = box && box.width > 0 ? naturalWidth / box.width : PT;
    var smallest = 0;
    Array.prototype.forEach.call(svg.querySelectorAll("text"), function (text) {
      var size = parseFloat(text.getAttribute("font-size"));
      if (size > 0 && text.textContent.trim() && (!smallest || size < smallest)) smallest = size;
    });
    return smallest * perUnit;
  }

  /* Zoom and pan of one figure. */
  function Zoom(figure, viewport, svg) {
    this.figure = figure;
    this.viewport = viewport;
    this.svg = svg;
    this.natural = naturalSize(svg);
    this.smallest = smallestLabel(svg, this.natural.width);
    this.scale = 1;
    this.initial = this.start();
    this.set(this.initial);
  }

  Zoom.prototype.fit = function () {
    var width = this.viewport.clientWidth || this.natural.width;
    return Math.min(1, width / this.natural.width);
  };

  /* Opening: fitted to the column (never larger than natural size); on a phone no smaller than makes the
     smallest label PHONE_LABEL px, panned sideways from there. */
  Zoom.prototype.start = function () {
    if ((this.viewport.clientWidth || 0) >= WIDE || !(this.smallest > 0)) return this.fit();
    return Math.min(1, Math.max(this.fit(), PHONE_LABEL / this.smallest));
  };

  /* Set the scale, keeping the point (x, y) of the viewport (its centre by default) where it is. */
  Zoom.prototype.set = function (scale, x, y) {
    var viewport = this.viewport;
    scale = clamp(scale, MIN_SCALE, MAX_SCALE);
    if (x === undefined) {
      x = viewport.clientWidth / 2;
      y = Math.min(viewport.clientHeight, window.innerHeight) / 2;
    }
    var ratio = scale / this.scale;
    var left = (viewport.scrollLeft + x) * ratio - x;
    var top = (viewport.scrollTop + y) * ratio - y;
    this.scale = scale;
    this.svg.style.width = this.natural.width * scale + "px";
    this.svg.style.height = this.natural.height * scale + "px";
    viewport.scrollLeft = left;
    viewport.scrollTop = top;
    this.figure.setAttribute("data-kd-scale", scale.toFixed(3));
    if (scale > this.fit() + 0.001) this.figure.setAttribute("data-kd-zoomed", "");
    else this.figure.removeAttribute("data-kd-zoomed");
    if (viewport.scrollWidth > viewport.clientWidth + 1 || viewport.scrollHeight > viewport.clientHeight + 1) {
      this.figure.setAttribute("data-kd-pannable", "");
    } else {
      this.figure.removeAttribute("data-kd-pannable");
    }
    // Sideways panning is easy to miss (the page itself does not move): a line under the figure says so.
    if (viewport.scrollWidth > viewport.clientWidth + 1) this.figure.setAttribute("data-kd-pans", "");
    else this.figure.removeAttribute("data-kd-pans");
  };

  Zoom.prototype.action = function (name) {
    if (name === "zoom-in") this.set(this.scale * STEP);
    else if (name === "zoom-out") this.set(this.scale / STEP);
    else if (name === "fit") this.set(this.fit());
    else if (name === "reset") this.set(1); // 1:1, the natural size
  };

  Zoom.prototype.listen = function () {
    var self = this;
    var viewport = this.viewport;
    viewport.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) return; // a plain wheel scrolls the page (a trackpad pinch is Ctrl)
      event.preventDefault();
      var rect = viewport.getBoundingClientRect();
      self.set(self.scale * Math.exp(-event.deltaY / 300), event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });

    // Mouse and pen drag pan; touch pans natively (touch-action: pan-x pan-y) and pinches below.
    var drag = null;
    viewport.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "touch" || event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, left: viewport.scrollLeft, top: viewport.scrollTop, moved: false };
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) return;
      drag.moved = true;
      self.figure.setAttribute("data-kd-dragging", "");
      viewport.scrollLeft = drag.left - dx;
      viewport.scrollTop = drag.top - dy;
    });
    window.addEventListener("pointerup", function () {
      if (drag && drag.moved) {
        // the click that ends a drag does not follow a box's link
        var swallow = function (event) {
          event.preventDefault();
          event.stopPropagation();
        };
        viewport.addEventListener("click", swallow, true);
        setTimeout(function () { viewport.removeEventListener("click", swallow, true); }, 0);
        setTimeout(function () { self.figure.removeAttribute("data-kd-dragging"); }, 0);
      }
      drag = null;
    });

    var pinch = null;
    function distance(touches) {
      return Math.hypot(touches[0].clientX - touches[1].clientX, touches[0].clientY - touches[1].clientY);
    }
    viewport.addEventListener("touchstart", function (event) {
      if (event.touches.length === 2) pinch = { distance: distance(event.touches), scale: self.scale };
    }, { passive: true });
    viewport.addEventListener("touchmove", function (event) {
      if (!pinch || event.touches.length !== 2) return;
      event.preventDefault();
      var rect = viewport.getBoundingClientRect();
      var x = (event.touches[0].clientX + event.touches[1].clientX) / 2 - rect.left;
      var y = (event.touches[0].clientY + event.touches[1].clientY) / 2 - rect.top;
      self.set(pinch.scale * distance(event.touches) / pinch.distance, x, y);
    }, { passive: false });
    viewport.addEventListener("touchend", function (event) {
      if (event.touches.length < 2) pinch = null;
    });

    var labels = words(this.figure);
    if (labels.pans) {
      var hint = document.createElement("p");
      hint.className = "kubedocs-pan-hint";
      hint.setAttribute("aria-hidden", "true"); // the text alternative already holds every box
      hint.textContent = labels.pans;
      viewport.insertAdjacentElement("afterend", hint);
    }

    var controls = this.figure.querySelector(".kubedocs-controls");
    if (controls) {
      controls.hidden = false;
      controls.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-kd-action]");
        if (button) self.action(button.getAttribute("data-kd-action"));
      });
    }
  };

  /* `Kind/namespace/name` (or `Kind/name`, `group/Kind/namespace/name`) → its parts; null for other ids. */
  function identity(id) {
    var parts = id.split("/");
    var group = "";
    if (parts.length > 1 && parts[0].indexOf(".") > 0) group = parts.shift();
    if (parts.length < 2 || !/^[A-Z][A-Za-z0-9]*$/.test(parts[0])) return null;
    var kind = parts.shift();
    var namespace = parts.length > 1 ? parts.shift() : "";
    return { kind: group ? kind + " (" + group + ")" : kind, namespace: namespace, name: parts.join("/") };
  }

  function tooltipContent(tooltip, text, linked, labels) {
    tooltip.textContent = "";
    var lines = text.split("\n");
    var first = lines.shift();
    var where = / — (\S+:\d+)$/.exec(first);
    var head = where ? first.slice(0, where.index) : first;
    var derived = / \((derived)\)$/.exec(head);
    if (derived) head = head.slice(0, derived.index);
    var id = identity(head);
    var rows = [];
    if (id) {
      rows.push([labels.kind || "Kind", id.kind + (derived ? " (" + derived[1] + ")" : "")]);
      if (id.namespace) rows.push([labels.namespace || "Namespace", id.namespace]);
      rows.push([labels.name || "Name", id.name]);
    }
    if (where) rows.push([labels.source || "Source", where[1]]);
    lines.forEach(function (line) {
      var colon = line.indexOf(": ");
      if (colon > 0) rows.push([line.slice(0, colon), line.slice(colon + 2)]);
      else if (line) rows.push(["", line]);
    });
    if (!id && !rows.length) rows.push(["", head]);
    else if (!id) rows.unshift(["", head]);
    var list = document.createElement("dl");
    rows.forEach(function (row) {
      var term = document.createElement("dt");
      term.textContent = row[0];
      var value = document.createElement("dd");
      value.textContent = row[1];
      list.appendChild(term);
      list.appendChild(value);
    });
    tooltip.appendChild(list);
    if (linked && labels.open) {
      var hint = document.createElement("p");
      hint.textContent = labels.open;
      tooltip.appendChild(hint);
    }
  }

  var XLINK = "http://www.w3.org/1999/xlink";

  function tooltips(figure, viewport) {
    var labels = words(figure);
    var tooltip = document.createElement("div");
    tooltip.className = "kubedocs-tooltip";
    tooltip.setAttribute("role", "tooltip");
    tooltip.id = (figure.querySelector("svg g[id]") || { id: "kd" }).id.replace(/graph0$/, "") + "tooltip";
    tooltip.hidden = true;
    figure.appendChild(tooltip);
    var shown = null;

    function show(node) {
      var link = node.querySelector("a");
      var text = node.getAttribute("data-kd-tip");
      if (!link || text === null) return;
      if (shown) shown.classList.remove("kubedocs-hover");
      shown = node;
      node.classList.add("kubedocs-hover");
      tooltipContent(tooltip, text, link.hasAttribute("href") || link.hasAttributeNS(XLINK, "href"), labels);
      tooltip.hidden = false;
      var box = node.getBoundingClientRect();
      var frame = figure.getBoundingClientRect();
      var left = clamp(box.left - frame.left, 0, Math.max(0, frame.width - tooltip.offsetWidth));
      var top = box.bottom - frame.top + 6;
      if (box.bottom + tooltip.offsetHeight + 6 > window.innerHeight && box.top - frame.top > tooltip.offsetHeight) {
        top = box.top - frame.top - tooltip.offsetHeight - 6; // no room below: above the box
      }
      tooltip.style.left = left + "px";
      tooltip.style.top = top + "px";
    }

    function hide() {
      if (shown) shown.classList.remove("kubedocs-hover");
      shown = null;
      tooltip.hidden = true;
    }

    // A link: its kind (the legend's word, from its class), then what the renderer's tooltip says (its ends and
    // its label), shown where the pointer is. A wide transparent copy of its line makes it easy to point at.
    Array.prototype.forEach.call(viewport.querySelectorAll("g.edge"), function (edge) {
      var link = edge.querySelector("a");
      if (!link) return;
      var text = link.getAttributeNS(XLINK, "title") || link.getAttribute("title") || "";
      if (!text) return;
      link.removeAttributeNS(XLINK, "title");
      var kinds = labels.kinds || {};
      var kind = Array.prototype.filter.call(edge.classList, function (name) { return kinds[name]; })[0];
      edge.setAttribute("data-kd-tip", (kind ? kinds[kind] + "\n" : "") + text);
      var line = link.querySelector("path");
      if (line) {
        var hit = line.cloneNode(false);
        hit.setAttribute("class", "kubedocs-hit");
        link.insertBefore(hit, line);
      }
      edge.addEventListener("pointerenter", function (event) { showLink(edge, event); });
      edge.addEventListener("pointerleave", hide);
    });

    function showLink(edge, event) {
      if (shown) shown.classList.remove("kubedocs-hover");
      shown = edge;
      edge.classList.add("kubedocs-hover");
      tooltip.textContent = "";
      var lines = edge.getAttribute("data-kd-tip").split("\n");
      var list = document.createElement("dl");
      lines.forEach(function (line, index) {
        var term = document.createElement("dt");
        var value = document.createElement("dd");
        value.textContent = line;
        if (index === 0) value.style.fontWeight = "600";
        list.appendChild(term);
        list.appendChild(value);
      });
      tooltip.appendChild(list);
      tooltip.hidden = false;
      var frame = figure.getBoundingClientRect();
      tooltip.style.left = clamp(event.clientX - frame.left + 8, 0, Math.max(0, frame.width - tooltip.offsetWidth)) + "px";
      tooltip.style.top = (event.clientY - frame.top + 12) + "px";
    }

    Array.prototype.forEach.call(viewport.querySelectorAll("g.node"), function (node) {
      var link = node.querySelector("a");
      if (!link) return;
      // The tooltip's text moves from the native title to the element shown here.
      var text = link.getAttributeNS(XLINK, "title") || link.getAttribute("title") || "";
      node.setAttribute("data-kd-tip", text);
      link.removeAttributeNS(XLINK, "title");
      link.setAttribute("aria-label", text.split("\n")[0]);
      link.setAttribute("aria-describedby", tooltip.id);
      if (!link.hasAttributeNS(XLINK, "href") && !link.hasAttribute("href")) link.setAttribute("tabindex", "0");
      node.addEventListener("pointerenter", function () { show(node); });
      node.addEventListener("pointerleave", hide);
      link.addEventListener("focus", function () { show(node); });
      link.addEventListener("blur", hide);
      link.addEventListener("click", function (event) {
        hide();
        var href = link.getAttributeNS(XLINK, "href") || link.getAttribute("href");
        if (!href || href.charAt(0) !== "#") return;
        // Handled here: a link inside an SVG is no business of the theme's instant navigation.
        event.preventDefault();
        event.stopPropagation();
        history.pushState(null, "", href);
        reveal(href.slice(1));
      });
    });
    figure.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
  }

  /* Open the source block that holds a manifest's element and mark it. */
  function reveal(id) {
    var target = id && document.getElementById(decodeURIComponent(id));
    if (!target || !target.classList.contains("kubedocs-manifest")) return;
    var details = target.closest("details");
    if (details) details.open = true;
    Array.prototype.forEach.call(document.querySelectorAll(".kubedocs-target"), function (old) {
      old.classList.remove("kubedocs-target");
    });
    target.classList.add("kubedocs-target");
    target.scrollIntoView({ block: "start" });
  }

  function setup() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.kubedocs-figure"), function (figure) {
      if (figure.hasAttribute("data-kd-ready")) return;
      var viewport = figure.querySelector(".kubedocs-svg");
      var svg = viewport && viewport.querySelector("svg");
      if (!svg) return;
      figure.setAttribute("data-kd-ready", "");
      new Zoom(figure, viewport, svg).listen();
      tooltips(figure, viewport);
    });
    if (location.hash) reveal(location.hash.slice(1));
  }

  window.addEventListener("hashchange", function () { reveal(location.hash.slice(1)); });
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup); // Material: every page, instant navigation included
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
