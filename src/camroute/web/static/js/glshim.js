// The mapbox-gl-leaflet plugin hosts whatever `window.mapboxgl` is; here that is MapLibre GL JS
// (the maintained, BSD-licensed fork with the same Map API). Classic script: runs between the two.
window.mapboxgl = window.maplibregl;
