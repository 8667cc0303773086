# Builds the OpenSlide addon (native/build/Release/openslide_addon.node) against the system
# libopenslide, found with pkg-config (Debian: apt-get install libopenslide-dev), and the system
# libjpeg(-turbo) for tile encoding (apt-get install libjpeg-dev).
{
  "targets": [
    {
      "target_name": "openslide_addon",
      "sources": ["src/addon.cc", "src/SlideState.cc", "src/pixels.cc", "src/jpeg.cc", "src/workers.cc"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "include_dirs": ["<!@(pkg-config --cflags-only-I openslide | sed 's/-I//g')"],
      "libraries": ["<!@(pkg-config --libs openslide)", "-ljpeg"],
      "cflags_cc": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
