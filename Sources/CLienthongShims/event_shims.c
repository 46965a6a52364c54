#include "event_shims.h"
