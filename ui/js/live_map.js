// The Label page's live map (sharpfields, ui/live_map.py).
// The map itself is built once; what changes (the drawing tool, the tile layers: basemap,
// the date and view on screen, the date swipe, the enhanced area; the editable fields;
// where the map looks) arrives as a "spec" through streamlit-folium's dynamic feature
// group, which calls window.sharpfieldsLive.update(spec) whenever the group changes.
// A tile layer whose spec did not change stays as it is (an opacity change is applied in
// place); a changed one is replaced only once the new one shows its first tile, so the map
// does not blink. The view moves only when the spec's fit target changes (a new area, a
// typed place): a save, a delete, an undo, a toggle or another date never zooms.
// Leaflet.draw's editable group is window.drawnItems, the group streamlit-folium reads
// all_drawings from.
(function (map, frame) {
  var VIEW_KEY = "sharpfields-label-view";
  var SWAP_AFTER_MS = 4000; // a replaced layer goes at the latest this long after
  // A held Save click waits at most this long for its button to be enabled again (below);
  // other Save clicks wait meanwhile.
  var BUTTON_BACK_MS = 10000;
  var ENHANCED = "enhanced"; // the enhanced area's tile layer (ui/live_map.py)
  var live = {
    fields: L.featureGroup().addTo(map), // my fields and unsaved drawings (editable)
    areaDrawn: L.featureGroup().addTo(map), // rectangles drawn to choose an area
    overlays: {}, // key -> {json, layer, opacity (shown), wanted (the spec's), name}
    switcher: null, // the layer switcher
    listed: [], // what it lists: {id, name, layer}
    hidden: {}, // ids switched off by the volunteer
    swipes: {}, // overlay key -> {control, range, caption}
    control: null,
    tool: null,
    revision: null,
    fitId: null,
    userMoved: false,
    view: null, // the page's original / enhanced view: {enhanced, seen: {map, presses}, key}
    saves: [], // the Save buttons' labels
    waits: [], // other buttons whose clicks wait for the map's report of its last drawing
    keys: {}, // key -> the (Streamlit) key of the page's button it presses
    mapId: Date.now().toString(36) + Math.random().toString(36).slice(2),
    presses: 0, // key E pressed on this map
    lastSave: null, // the last click on a Save button: {at (ms), presses before it}
    drawnAt: 0, // the last drawing, edit or deletion on the map (ms)
    sentAt: 0, // the last report of the map's drawings to the page (ms)
    resending: false, // a key press re-sends the last report: its drawings are not news
    holding: false, // a Save click waits for the map's report of its last drawing
    heldPresses: null, // the presses before a held Save click: all the page hears until it is made
    unsentPresses: false, // E pressed while a click was held: reported after that click
    drawing: false, // Leaflet.draw is drawing, editing or deleting
    drawClick: null, // the last click on the map while it was: {lat, lng}
    pressedDisabled: 0, // presses on a disabled Save held (onDisabledPress)
  };
  window.drawnItems = live.fields;
  // --- the map fits the window. On a short window its frame leaves frame.under px of the
  // window under it for the controls pressed next (Keep, the assist's answer, Save), and is
  // never shorter than frame.min nor taller than frame.max (ui/live_map.py); on a narrow one
  // the page's style sizes the frame (ui/layout.py). Either way the map fills its frame:
  // streamlit-folium gives it the fixed height it was given.
  function fitWindow() {
    var height = null;
    try {
      var page = window.parent, holder = window.frameElement;
      if (holder && page !== window && page.innerWidth > frame.narrow) {
        height = Math.round(Math.max(frame.min, Math.min(frame.max, page.innerHeight - frame.under)));
        if (holder.style.height !== height + "px") holder.style.height = height + "px";
      }
    } catch (err) { /* a page of another origin: the frame keeps its height */ }
    if (height === null) height = window.innerHeight;
    var box = map.getContainer();
    if (height > 0 && box.style.height !== height + "px") {
      box.style.height = height + "px";
      map.invalidateSize();
    }
  }
  function onPageResize() { // the page's window, for as long as this map is there
    var holder = window.frameElement;
    if (holder && holder.isConnected) fitWindow();
    else window.parent.removeEventListener("resize", onPageResize); // the map is gone
  }
  window.addEventListener("resize", fitWindow);
  try {
    if (window.parent !== window) {
      window.parent.addEventListener("resize", onPageResize);
      window.addEventListener("pagehide", function () { window.parent.removeEventListener("resize", onPageResize); });
    }
  } catch (err) { /* a page of another origin */ }
  fitWindow();
  setTimeout(fitWindow, 0); // after streamlit-folium has given the map its height
  // A drawing is news for the page until streamlit-folium has reported it. It reports only
  // changes: an edit or deletion that leaves the drawings as last reported sends nothing,
  // and then nothing must wait for a report (see onPageClick).
  function asReported() {
    var data = window.__GLOBAL_DATA__, last = data && data.previous_data;
    if (!last || !last.all_drawings || !window.drawnItems) return false;
    return JSON.stringify(window.drawnItems.toGeoJSON().features) === JSON.stringify(last.all_drawings);
  }
  map.on("draw:created", function () { live.drawnAt = Date.now(); });
  // A click while Leaflet.draw draws, edits or deletes (a vertex, a pick) is no click on the
  // map's ground: the last one goes with every report, and the page does not answer it
  // (ui.map_events.drawing_click: the outline tool would propose a field there).
  map.on("draw:drawstart draw:editstart draw:deletestart", function () { live.drawing = true; });
  map.on("draw:drawstop draw:editstop draw:deletestop", function () { live.drawing = false; });
  map.on("click", function (e) {
    if (live.drawing) live.drawClick = {lat: e.latlng.lat, lng: e.latlng.lng};
  });
  map.on("draw:edited draw:deleted", function () { if (!asReported()) live.drawnAt = Date.now(); });
  map.on(L.Draw.Event.CREATED, function (e) {
    (live.tool === "rectangle" ? live.areaDrawn : live.fields).addLayer(e.layer);
  });
  ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (name) {
    map.getContainer().addEventListener(name, function () { live.userMoved = true; }, {passive: true});
  });
  map.on("moveend", function () {
    try {
      var c = map.getCenter();
      sessionStorage.setItem(VIEW_KEY, JSON.stringify({fit: live.fitId, lat: c.lat, lng: c.lng, zoom: map.getZoom()}));
    } catch (err) { /* storage may be unavailable: the view is simply not kept */ }
  });
  // --- key E: the original / enhanced view flips here, at once, even while the page's
  // script runs (a press handed to the page then could be lost, or undone by a value the
  // page sent before it learnt of it). Every value the map sends says how often E was
  // pressed on this map; the page counts the presses it has not seen (ui.label_choices) and
  // its spec says which it counted: the map shows the spec's view, flipped once more for
  // each press beyond those.
  var streamlit = window.Streamlit;
  if (streamlit && streamlit.setComponentValue) {
    var send = streamlit.setComponentValue;
    streamlit.setComponentValue = function (value) {
      if (!live.resending) live.sentAt = Date.now();
      var counted = live.heldPresses !== null ? live.heldPresses : live.presses; // see onPageClick
      var report = {map: live.mapId, presses: counted};
      if (live.lastSave) report.save = live.lastSave;
      if (live.drawClick) report.draw_click = live.drawClick;
      return send.call(streamlit, Object.assign({}, value, {sharpfields_view: report}));
    };
  }
  function showsEnhanced() {
    var seen = live.view.seen || {};
    var unseen = live.presses - (seen.map === live.mapId ? seen.presses || 0 : 0);
    return live.view.enhanced !== (unseen % 2 !== 0);
  }
  function shownOpacity(spec) { // the enhanced area's opacity in the view on screen
    return spec.key === ENHANCED && live.view && !showsEnhanced() ? 0 : spec.opacity;
  }
  function showView() {
    var known = live.overlays[ENHANCED];
    if (!known) return;
    var opacity = shownOpacity({key: ENHANCED, opacity: known.wanted});
    if (known.opacity !== opacity) known.layer.setOpacity(opacity);
    known.opacity = opacity;
  }
  function typing(target) { // a key typed into a box is not a shortcut
    var tag = target && target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return true;
    return tag === "INPUT" && ["checkbox", "radio", "range", "button", "submit"].indexOf(target.type) < 0;
  }
  function onKey(event) {
    if (!live.view || String(event.key || "").toLowerCase() !== live.view.key || event.repeat) return;
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    live.presses += 1;
    showView();
    if (live.holding) live.unsentPresses = true; // told after the held Save click
    else reportPresses();
  }
  function reportPresses() { // the last report again, with the count of presses
    var data = window.__GLOBAL_DATA__;
    if (!streamlit) return;
    live.resending = true;
    try { streamlit.setComponentValue((data && data.previous_data) || {}); } finally { live.resending = false; }
  }
  document.addEventListener("keydown", onKey); // in the map
  try { // on the page around it (the same origin), for as long as this map is there
    var page = window.parent.document;
    var onPageKey = function (event) {
      var frame = window.frameElement;
      if (frame && frame.isConnected) onKey(event);
      else page.removeEventListener("keydown", onPageKey); // the map is gone (another page)
    };
    // A click on a Save button saves what is on screen:
    // - the presses of E before it go with the map's next report. Streamlit may merge the
    //   click with that report; the save then counts only these
    //   (ui.label_choices.take_view_presses), so it stores the view on screen at the click;
    // - streamlit-folium reports a drawing only once the map has been quiet for 250 ms, so a
    //   click that comes sooner is held until the map has reported it, then made again.
    //   Presses of E while it is held flip the map at once but reach the page after it.
    var pageButton = function (label) {
      return Array.prototype.find.call(page.querySelectorAll("button"), function (b) {
        return !b.disabled && (b.innerText || "").trim() === label;
      });
    };
    var onPageClick = function (event) {
      var frame = window.frameElement;
      if (!frame || !frame.isConnected) { page.removeEventListener("click", onPageClick, true); return; }
      var button = event.target && event.target.closest ? event.target.closest("button") : null;
      var label = button ? (button.innerText || "").trim() : "";
      var save = live.saves.indexOf(label) >= 0;
      if (!button || button.disabled || (!save && live.waits.indexOf(label) < 0)) return;
      if (live.holding) { event.preventDefault(); event.stopImmediatePropagation(); return; }
      var presses = live.heldPresses !== null ? live.heldPresses : live.presses;
      if (save) live.heldPresses = null;
      if (live.drawnAt <= live.sentAt) {
        if (save) live.lastSave = {at: Date.now(), presses: presses};
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      hold(label, save, presses);
    };
    // A press on Save while it is disabled, just after a drawing: the page has not yet run
    // for the drawing's report (Save is enabled once it has; a loaded server takes seconds),
    // and the browser makes no click on a disabled button. The volunteer pressed Save with
    // the drawing on screen: the press is held as a click would be. It is dropped when the
    // map changes meanwhile (what Save would store is no longer what was seen) or when Save
    // stays disabled (nothing to save: a drawing out of the scene, an area's rectangle). A
    // press after a save with nothing drawn since (a double click on Save) is not held.
    var onDisabledPress = function (event) {
      var frame = window.frameElement;
      if (!frame || !frame.isConnected) { page.removeEventListener("pointerup", onDisabledPress, true); return; }
      var button = event.target && event.target.closest ? event.target.closest("button") : null;
      if (!button || !button.disabled || live.holding || event.button !== 0) return;
      var label = (button.innerText || "").trim();
      if (live.saves.indexOf(label) < 0 || Date.now() - live.drawnAt > BUTTON_BACK_MS) return;
      if (live.lastSave && live.lastSave.at >= live.drawnAt) return; // saved since: nothing new
      live.pressedDisabled += 1;
      hold(label, true, live.heldPresses !== null ? live.heldPresses : live.presses);
    };
    // A Save click (or a press) held until the map has reported its last drawing, then made
    // again on the button once it is enabled. A loaded server may still be drawing the page
    // of the run before the drawing, where Save was disabled (nothing to save); the run of
    // the drawing's report enables it. Made on no button, the click would be lost while the
    // volunteer saw Save pressed.
    var hold = function (label, save, presses) {
      live.holding = true;
      if (save) live.heldPresses = presses; // the drawing's report must not count presses made after
      var since = Date.now();
      var made = function () {
        var now = pageButton(label);
        var changed = live.drawnAt > since; // drawn again meanwhile
        // Save only: a button that waits (I'm done, Split) may stay disabled for a reason
        // the report brought (a drawing on the map), and its click goes as before.
        if (!now && save && !changed && Date.now() - since < BUTTON_BACK_MS) { setTimeout(made, 50); return; }
        live.holding = false;
        if (now && !changed) {
          live.drawnAt = Math.min(live.drawnAt, live.sentAt); // after 3 s: click anyway
          now.click(); // marked with the held presses (onPageClick)
        }
        live.heldPresses = null;
        if (live.unsentPresses) { // pressed during the hold: after the click, as they came
          live.unsentPresses = false;
          reportPresses();
        }
      };
      var again = function () {
        if (live.drawnAt > live.sentAt && Date.now() - since < 3000) { setTimeout(again, 25); return; }
        setTimeout(made, 60); // the report's message reaches the page before the click's
      };
      again();
    };
    // Keys for the page's buttons (K keeps Outline all's proposal, S skips it), pressed in
    // the map or on the page: they click the button, so that a click held for the map's
    // report (above) is held too.
    var onButtonKey = function (event) {
      var key = live.keys[String(event.key || "").toLowerCase()];
      if (!key || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
      var frame = window.frameElement;
      if (!frame || !frame.isConnected) { page.removeEventListener("keydown", onButtonKey); return; }
      if (typing(event.target)) return;
      var button = page.querySelector(".st-key-" + key + " button"); // the widget's key
      if (!button || button.disabled) return;
      event.preventDefault();
      button.click();
    };
    document.addEventListener("keydown", onButtonKey); // in the map
    if (page !== document) {
      page.addEventListener("keydown", onPageKey);
      page.addEventListener("keydown", onButtonKey);
      page.addEventListener("click", onPageClick, true); // before Streamlit's own handler
      page.addEventListener("pointerup", onDisabledPress, true);
      window.addEventListener("pagehide", function () {
        page.removeEventListener("keydown", onPageKey);
        page.removeEventListener("keydown", onButtonKey);
        page.removeEventListener("click", onPageClick, true);
        page.removeEventListener("pointerup", onDisabledPress, true);
      });
    }
  } catch (err) { /* another origin: the key works in the map only */ }

  function setTool(tool) {
    if (tool === live.tool) return;
    if (live.control) map.removeControl(live.control);
    live.tool = tool;
    var polygon = tool === "polygon";
    window.drawnItems = polygon ? live.fields : live.areaDrawn;
    live.control = new L.Control.Draw({
      position: "topleft",
      draw: {
        polyline: false, circle: false, marker: false, circlemarker: false,
        rectangle: !polygon,
        polygon: polygon ? {allowIntersection: false, showArea: true} : false,
      },
      edit: polygon
        ? {featureGroup: live.fields, edit: true, remove: true}
        : {featureGroup: live.areaDrawn, edit: false, remove: false},
    });
    map.addControl(live.control);
  }

  // --- swipes: a layer shown right of a slider only (the technique of leaflet-side-by-side)
  function clip(key) {
    var swipe = live.swipes[key], known = live.overlays[key];
    if (!swipe || !known) return;
    var box = known.layer.getContainer && known.layer.getContainer();
    if (!box) return;
    var size = map.getSize();
    var nw = map.containerPointToLayerPoint([0, 0]);
    var se = map.containerPointToLayerPoint(size);
    var x = map.containerPointToLayerPoint([size.x * swipe.range.value / 100, 0]).x;
    box.style.clip = "rect(" + [nw.y, se.x, se.y, x].join("px, ") + "px)";
  }
  function clipAll() { Object.keys(live.swipes).forEach(clip); }
  map.on("move zoom resize viewreset", clipAll);

  function addSwipe(key) {
    var swipe = {caption: null, range: null, text: null};
    var control = L.control({position: "bottomleft"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "sharpfields-swipe leaflet-bar");
      div.setAttribute("data-layer", key);
      div.style.background = "white";
      div.style.padding = "4px 8px";
      swipe.text = L.DomUtil.create("div", "", div);
      swipe.text.style.font = "12px sans-serif";
      swipe.range = L.DomUtil.create("input", "", div);
      swipe.range.type = "range"; swipe.range.min = 0; swipe.range.max = 100; swipe.range.value = 50;
      swipe.range.style.width = "220px";
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      L.DomEvent.on(swipe.range, "mousedown touchstart pointerdown", L.DomEvent.stopPropagation);
      swipe.range.addEventListener("mouseover", function () { map.dragging.disable(); });
      swipe.range.addEventListener("mouseout", function () { map.dragging.enable(); });
      swipe.range.addEventListener("input", function () { clip(key); });
      return div;
    };
    swipe.control = control;
    live.swipes[key] = swipe;
    control.addTo(map);
    return swipe;
  }

  function setSwipe(key, captions) {
    var swipe = live.swipes[key];
    if (!captions) {
      if (swipe) {
        map.removeControl(swipe.control);
        delete live.swipes[key];
        var known = live.overlays[key];
        var box = known && known.layer.getContainer && known.layer.getContainer();
        if (box) box.style.clip = "";
      }
      return;
    }
    swipe = swipe || addSwipe(key);
    swipe.text.textContent = "◀ " + captions[0] + " · " + captions[1] + " ▶"; // text, never HTML
    clip(key);
  }

  // --- tile layers
  function makeTiles(spec) {
    var layer = L.tileLayer(spec.url, {
      maxNativeZoom: spec.maxNativeZoom, maxZoom: spec.maxZoom, opacity: spec.opacity,
      zIndex: spec.zIndex, attribution: spec.attribution || "", className: spec.className || "",
    });
    layer.on("load tileload", function () { clip(spec.key); });
    return layer;
  }

  function replaceWhenShown(old, fresh) {
    // keep the old layer until the new one shows a tile, so the map never goes blank
    var gone = false;
    var drop = function () {
      if (gone) return;
      gone = true;
      map.removeLayer(old);
    };
    fresh.once("tileload load tileerror", drop);
    setTimeout(drop, SWAP_AFTER_MS);
  }

  function setOverlays(specs) {
    var wanted = {};
    specs.forEach(function (spec) {
      wanted[spec.key] = true;
      var json = JSON.stringify(Object.assign({}, spec, {opacity: null, swipe: null, name: null}));
      var known = live.overlays[spec.key];
      var opacity = shownOpacity(spec);
      if (known && known.json === json) {
        if (known.opacity !== opacity) known.layer.setOpacity(opacity);
      } else {
        var layer = makeTiles(Object.assign({}, spec, {opacity: opacity})).addTo(map);
        if (known) replaceWhenShown(known.layer, layer);
        known = live.overlays[spec.key] = {json: json, layer: layer};
      }
      Object.assign(known, {opacity: opacity, wanted: spec.opacity, name: spec.name});
      setSwipe(spec.key, spec.swipe);
    });
    Object.keys(live.overlays).forEach(function (key) {
      if (!wanted[key]) {
        setSwipe(key, null);
        map.removeLayer(live.overlays[key].layer);
        delete live.overlays[key];
      }
    });
  }

  // --- the editable fields: replaced only when their revision changes
  function setFields(data, revision) {
    if (revision === live.revision) return;
    live.revision = revision;
    live.fields.clearLayers();
    live.areaDrawn.clearLayers();
    L.geoJson(data, {
      style: function (f) { return f.properties._style; },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties._tooltip, {sticky: true}); },
    }).eachLayer(function (l) { live.fields.addLayer(l); });
  }

  // --- where the map looks: only a new target moves it
  function fit(target) {
    if (!target || target.id === live.fitId) return;
    var first = live.fitId === null;
    live.fitId = target.id;
    if (first) {
      try {
        var kept = JSON.parse(sessionStorage.getItem(VIEW_KEY) || "null");
        if (kept && kept.fit === target.id) { // a reload: back where the volunteer was
          map.setView([kept.lat, kept.lng], kept.zoom, {animate: false});
          return;
        }
      } catch (err) { /* no kept view: fit */ }
    }
    // streamlit-folium sizes the frame after the map's script ran: fit again whenever it
    // changes size in the first seconds, until the volunteer moves the map.
    live.userMoved = false;
    var until = Date.now() + 3000;
    var apply = function () {
      if (live.userMoved || Date.now() > until || live.fitId !== target.id) return;
      map.invalidateSize();
      map.fitBounds(target.bounds, {animate: false});
    };
    map.fitBounds(target.bounds, {animate: false});
    if (window.ResizeObserver && !live.observer) {
      live.observer = new ResizeObserver(function () { if (live.refit) live.refit(); });
      live.observer.observe(map.getContainer());
    }
    live.refit = apply;
    setTimeout(apply, 250);
  }

  // --- the layer switcher: the tile layers and the group's named layers; what the
  // volunteer switches off stays off when the group is redrawn (by name; tiles by key).
  // One switcher for the whole visit, its list changed in place: it stays open or closed as
  // the volunteer left it. (Leaflet's collapsed switcher opens on hover and folds when the
  // pointer leaves it or the map is clicked: a click on the Save button folded it. Here it
  // opens with a click or tap on its icon and closes with its own "close" only.)
  function makeSwitcher() {
    // autoZIndex off: the spec's zIndex orders the layers (the enhanced area over the scene);
    // Leaflet's own would renumber them in the order listed, the scene on top.
    var control = L.control.layers(null, null, {collapsed: true, autoZIndex: false}).addTo(map);
    var box = control.getContainer();
    L.DomEvent.off(box, {mouseenter: control._expandSafely, mouseleave: control.collapse}, control);
    map.off("click", control.collapse, control);
    var close = L.DomUtil.create("a", "sharpfields-switcher-close");
    close.href = "#";
    close.setAttribute("role", "button");
    close.title = "Close the list of layers";
    close.textContent = "× close";
    close.style.cssText = "display: block; text-align: right; font-size: 11px;";
    var list = box.querySelector(".leaflet-control-layers-list");
    list.insertBefore(close, list.firstChild);
    L.DomEvent.on(close, "click", function (event) {
      L.DomEvent.preventDefault(event);
      control.collapse();
    });
    L.DomEvent.on(box, "change", function () {
      live.listed.forEach(function (entry) { live.hidden[entry.id] = !map.hasLayer(entry.layer); });
    });
    return control;
  }

  function listLayers(group, entries) {
    Object.keys(live.overlays).forEach(function (key) {
      entries.unshift({id: "tiles:" + key, name: live.overlays[key].name, layer: live.overlays[key].layer});
    });
    entries.forEach(function (entry) { entry.id = entry.id || entry.name; });
    var switcher = live.switcher || (live.switcher = makeSwitcher());
    var same = entries.length === live.listed.length && entries.every(function (entry, i) {
      return entry.layer === live.listed[i].layer && entry.name === live.listed[i].name;
    });
    if (!same) { // the same control, its list redone (in order)
      live.listed.forEach(function (entry) { switcher.removeLayer(entry.layer); });
      entries.forEach(function (entry) { switcher.addOverlay(entry.layer, entry.name); });
    }
    live.listed = entries;
    var hide = function () {
      live.listed.forEach(function (entry) { if (live.hidden[entry.id]) map.removeLayer(entry.layer); });
    };
    hide(); // the tile layers, on the map already
    group.once("add", hide); // the group's layers, once streamlit-folium adds the group
  }

  window.sharpfieldsLive = {
    map: map,
    // the tile layers on the map and their opacity (the live map's state, for a look)
    shown: function () {
      var out = {};
      Object.keys(live.overlays).forEach(function (key) { out[key] = live.overlays[key].opacity; });
      return out;
    },
    listLayers: listLayers,
    // whether a drawing waits for its report to the page (a Save click would be held)
    drawingUnreported: function () { return live.drawnAt > live.sentAt; },
    // how Save clicks and presses of E stand (for a look when a save seems lost)
    saveState: function () {
      return {holding: live.holding, heldPresses: live.heldPresses, unsentPresses: live.unsentPresses,
        presses: live.presses, lastSave: live.lastSave, drawnAt: live.drawnAt, sentAt: live.sentAt,
        pressedDisabled: live.pressedDisabled, now: Date.now(), saves: live.saves.slice()};
    },
    update: function (spec) {
      fitWindow();
      live.view = spec.view || null;
      live.saves = spec.saves || [];
      live.waits = spec.waits || [];
      live.keys = spec.keys || {};
      setTool(spec.tool);
      setOverlays(spec.overlays || []);
      setFields(spec.fields, spec.revision);
      fit(spec.fit);
    },
  };
})
