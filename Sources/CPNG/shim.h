// libpng 1.6 (Debian's libpng-dev), used through its simplified API to decode
// the PNG images of image-folder data sets.
#include <png.h>
