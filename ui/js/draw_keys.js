// Keyboard while drawing a field with Leaflet.draw (sharpfields):
//   Ctrl+Z / Cmd+Z / Backspace  remove the last vertex
//   Enter                       finish the outline (3 vertices or more)
//   Esc                         asks before throwing the outline away
// Leaflet.draw exposes the active drawing handler only inside itself, so its polyline
// handler (the polygon tool's parent) is wrapped to remember which one is drawing.
(function () {
  if (!window.L || !L.Draw || !L.Draw.Polyline || L.Draw.Polyline.__sharpfieldsKeys) return;
  L.Draw.Polyline.__sharpfieldsKeys = true;
  var active = null;
  var keepEscape = false;
  var addHooks = L.Draw.Polyline.prototype.addHooks;
  var removeHooks = L.Draw.Polyline.prototype.removeHooks;
  L.Draw.Polyline.prototype.addHooks = function () {
    addHooks.call(this);
    active = this;
  };
  L.Draw.Polyline.prototype.removeHooks = function () {
    removeHooks.call(this);
    if (active === this) active = null;
  };
  function vertices() {
    return active && active._markers ? active._markers.length : 0;
  }
  document.addEventListener("keydown", function (event) {
    if (!active) return;
    var undo = (event.key === "z" || event.key === "Z") && (event.ctrlKey || event.metaKey);
    if (undo || event.key === "Backspace") {
      event.preventDefault();
      event.stopPropagation();
      if (vertices() > 0) active.deleteLastVertex();
    } else if (event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
      if (vertices() >= 3) active.completeShape();
    } else if (event.key === "Escape") {
      keepEscape = vertices() > 0 && !window.confirm("Throw away the outline you are drawing?");
      if (keepEscape) event.stopImmediatePropagation();
    }
  }, true);
  // Leaflet.draw cancels on the key's release: stop that release when the answer was no.
  document.addEventListener("keyup", function (event) {
    if (event.key === "Escape" && keepEscape) {
      event.stopImmediatePropagation();
      event.stopPropagation();
      keepEscape = false;
    }
  }, true);
})();
