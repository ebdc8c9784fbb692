// oneDNN 2.x C API (Debian's libdnnl-dev).
#include <dnnl.h>
