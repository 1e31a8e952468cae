/*
 * A test double of libopenvino_c at the C ABI: it exports the functions Headroom's JNI shim resolves, with the
 * signatures of the public OpenVINO C API, so the shim's marshalling, status codes, error texts and frees run for
 * real in tests on machines without OpenVINO.
 *
 * Behaviour is set by environment variables, each overridable by a KEY=VALUE line in the file named by OVSTUB_CONFIG
 * (re-read on every use, so one test JVM can try several set-ups):
 *   OVSTUB_DEVICES        available devices, default "CPU" (e.g. "NPU,GPU.0,CPU")
 *   OVSTUB_FAIL_COMPILE   devices whose compile fails, comma separated ("NPU", "GPU" matches GPU.0, "*" all)
 *   OVSTUB_OPTIMAL        OPTIMAL_NUMBER_OF_INFER_REQUESTS of a compiled model, default 2
 *   OVSTUB_POISON_TOKEN   a token id that makes infer() fail
 *   OVSTUB_FAIL_READ      1: read_model fails
 *   OVSTUB_HIDDEN         hidden size of the output, default 384
 *
 * "Inference" is deterministic: output [B, L, H] with out[b][l][h] = f(input_ids[b][l], h), so a masked mean over a
 * row depends only on that row's real tokens (padding and batching do not change it).
 *
 * Every create and free is counted; the core property OVSTUB_LIVE reports live objects per kind and
 * OVSTUB_COMPILES the compile attempts per device, so tests can check that Java frees what it creates.
 */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API __attribute__((visibility("default")))

enum { OK = 0, GENERAL_ERROR = -1, NOT_FOUND = -5, PARAMETER_MISMATCH = -4, INVALID_C_PARAM = -14 };
enum { F32 = 5, I32 = 10, I64 = 11 };

typedef struct { const char *buildNumber; const char *description; } ov_version_t;
typedef struct { char **devices; size_t size; } ov_available_devices_t;
typedef struct { int64_t min; int64_t max; } ov_dimension_t;
typedef struct { ov_dimension_t rank; ov_dimension_t *dims; } ov_partial_shape_t;
typedef struct { int64_t rank; int64_t *dims; } ov_shape_t;

/* ---------------------------------------------------------------- counters */

enum { K_CORE, K_MODEL, K_COMPILED, K_REQUEST, K_TENSOR, K_STRING, K_DEVICES, K_SHAPE, K_COUNT };
static const char *KIND_NAMES[K_COUNT] = {"core", "model", "compiled", "request", "tensor", "string", "devices",
                                          "shape"};
static long created[K_COUNT];
static long freed[K_COUNT];
static void count_create(int kind) { __atomic_add_fetch(&created[kind], 1, __ATOMIC_SEQ_CST); }
static void count_free(int kind) { __atomic_add_fetch(&freed[kind], 1, __ATOMIC_SEQ_CST); }

#define MAX_DEVICES 16
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char compile_names[MAX_DEVICES][32];
static int compile_counts[MAX_DEVICES];
static char last_error[512];

static void set_error(const char *format, ...) {
  va_list args;
  va_start(args, format);
  pthread_mutex_lock(&lock);
  vsnprintf(last_error, sizeof last_error, format, args);
  pthread_mutex_unlock(&lock);
  va_end(args);
}

static char *counted_strdup(const char *text) {
  char *copy = strdup(text);
  if (copy != NULL) {
    count_create(K_STRING);
  }
  return copy;
}

/* ---------------------------------------------------------------- configuration */

/* The value of `key` from the config file if it sets it, else from the environment, else `fallback`. */
static void setting(const char *key, const char *fallback, char *out, size_t size) {
  const char *env = getenv(key);
  snprintf(out, size, "%s", env != NULL ? env : fallback);
  const char *path = getenv("OVSTUB_CONFIG");
  FILE *file = path != NULL ? fopen(path, "r") : NULL;
  if (file == NULL) {
    return;
  }
  char line[1024];
  size_t key_length = strlen(key);
  while (fgets(line, sizeof line, file) != NULL) {
    line[strcspn(line, "\r\n")] = '\0';
    if (strncmp(line, key, key_length) == 0 && line[key_length] == '=') {
      snprintf(out, size, "%s", line + key_length + 1);
    }
  }
  fclose(file);
}

static long setting_long(const char *key, long fallback) {
  char value[64];
  setting(key, "", value, sizeof value);
  return value[0] != '\0' ? strtol(value, NULL, 10) : fallback;
}

/* Whether `device` (GPU.0) is named in a comma-separated list, by itself or by its family (GPU), or by "*". */
static bool listed(const char *list, const char *device) {
  char copy[512];
  snprintf(copy, sizeof copy, "%s", list);
  size_t family = strcspn(device, ".");
  for (char *save = NULL, *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
    while (*item == ' ') {
      item++;
    }
    if (strcmp(item, "*") == 0 || strcmp(item, device) == 0
        || (strlen(item) == family && strncmp(item, device, family) == 0)) {
      return true;
    }
  }
  return false;
}

/* The available device that `name` means (GPU means the first GPU.n), or false. */
static bool resolve_device(const char *name, char *out, size_t size) {
  char devices[512];
  setting("OVSTUB_DEVICES", "CPU", devices, sizeof devices);
  size_t length = strlen(name);
  for (char *save = NULL, *item = strtok_r(devices, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
    if (strcmp(item, name) == 0 || (strncmp(item, name, length) == 0 && item[length] == '.')) {
      snprintf(out, size, "%s", item);
      return true;
    }
  }
  return false;
}

/* ---------------------------------------------------------------- objects */

#define MAX_INPUTS 4
#define MAX_NAME 64

typedef struct { char dummy; } ov_core_t;
typedef struct {
  int reshaped;
  int64_t dims[2]; /* the static [batch, length] of every input, once reshaped */
} ov_model_t;
typedef struct {
  char device[32];
  int reshaped;
  int64_t dims[2];
  char properties[256];
} ov_compiled_model_t;
typedef struct {
  char name[MAX_NAME];
  int type;
  int64_t dims[2];
  void *data;
} input_t;
typedef struct {
  const ov_compiled_model_t *compiled;
  input_t inputs[MAX_INPUTS];
  int input_count;
  float *output;
  int64_t output_dims[3];
} ov_infer_request_t;
typedef struct {
  int type;
  int64_t rank;
  int64_t dims[8];
  void *data;
} ov_tensor_t;

/* ---------------------------------------------------------------- common */

API const char *ov_get_error_info(int status) {
  switch (status) {
    case OK: return "OK";
    case GENERAL_ERROR: return "GENERAL_ERROR";
    case PARAMETER_MISMATCH: return "PARAMETER_MISMATCH";
    case NOT_FOUND: return "NOT_FOUND";
    case INVALID_C_PARAM: return "INVALID_C_PARAM";
    default: return "UNKNOWN_C_ERROR";
  }
}

API const char *ov_get_last_err_msg(void) {
  pthread_mutex_lock(&lock);
  char *copy = last_error[0] != '\0' ? counted_strdup(last_error) : NULL;
  pthread_mutex_unlock(&lock);
  return copy;
}

API void ov_free(const char *content) {
  if (content != NULL) {
    count_free(K_STRING);
    free((void *)content);
  }
}

API int ov_get_openvino_version(ov_version_t *version) {
  if (version == NULL) {
    return INVALID_C_PARAM;
  }
  version->buildNumber = counted_strdup("2025.3.0-headroom-stub");
  version->description = counted_strdup("Headroom test stub of the OpenVINO C API");
  return OK;
}

API void ov_version_free(ov_version_t *version) {
  if (version != NULL) {
    ov_free(version->buildNumber);
    ov_free(version->description);
    version->buildNumber = NULL;
    version->description = NULL;
  }
}

/* ---------------------------------------------------------------- core */

API int ov_core_create(ov_core_t **core) {
  if (core == NULL) {
    return INVALID_C_PARAM;
  }
  *core = calloc(1, sizeof(ov_core_t));
  count_create(K_CORE);
  return OK;
}

API void ov_core_free(ov_core_t *core) {
  if (core != NULL) {
    count_free(K_CORE);
    free(core);
  }
}

API int ov_core_get_available_devices(const ov_core_t *core, ov_available_devices_t *devices) {
  if (core == NULL || devices == NULL) {
    return INVALID_C_PARAM;
  }
  char list[512];
  setting("OVSTUB_DEVICES", "CPU", list, sizeof list);
  devices->devices = calloc(MAX_DEVICES, sizeof(char *));
  devices->size = 0;
  for (char *save = NULL, *item = strtok_r(list, ",", &save); item != NULL && devices->size < MAX_DEVICES;
       item = strtok_r(NULL, ",", &save)) {
    devices->devices[devices->size++] = strdup(item);
  }
  count_create(K_DEVICES);
  return OK;
}

API void ov_available_devices_free(ov_available_devices_t *devices) {
  if (devices != NULL && devices->devices != NULL) {
    for (size_t i = 0; i < devices->size; i++) {
      free(devices->devices[i]);
    }
    free(devices->devices);
    devices->devices = NULL;
    devices->size = 0;
    count_free(K_DEVICES);
  }
}

API int ov_core_get_property(const ov_core_t *core, const char *device, const char *key, char **value) {
  if (core == NULL || device == NULL || key == NULL || value == NULL) {
    return INVALID_C_PARAM;
  }
  char text[512];
  if (strcmp(key, "OVSTUB_LIVE") == 0) {
    size_t used = 0;
    text[0] = '\0';
    for (int k = 0; k < K_COUNT; k++) {
      used += (size_t)snprintf(text + used, sizeof text - used, "%s%s=%ld", k ? "," : "", KIND_NAMES[k],
                               __atomic_load_n(&created[k], __ATOMIC_SEQ_CST)
                                   - __atomic_load_n(&freed[k], __ATOMIC_SEQ_CST));
    }
  } else if (strcmp(key, "OVSTUB_CREATED") == 0) {
    size_t used = 0;
    text[0] = '\0';
    for (int k = 0; k < K_COUNT; k++) {
      used += (size_t)snprintf(text + used, sizeof text - used, "%s%s=%ld", k ? "," : "", KIND_NAMES[k],
                               __atomic_load_n(&created[k], __ATOMIC_SEQ_CST));
    }
  } else if (strcmp(key, "OVSTUB_COMPILES") == 0) {
    size_t used = 0;
    text[0] = '\0';
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_DEVICES && compile_names[i][0] != '\0'; i++) {
      used += (size_t)snprintf(text + used, sizeof text - used, "%s%s=%d", i ? "," : "", compile_names[i],
                               compile_counts[i]);
    }
    pthread_mutex_unlock(&lock);
  } else {
    char resolved[32];
    if (!resolve_device(device, resolved, sizeof resolved)) {
      set_error("stub: device %s is not available", device);
      return NOT_FOUND;
    }
    if (strcmp(key, "FULL_DEVICE_NAME") == 0) {
      snprintf(text, sizeof text, "Headroom stub %s", resolved);
    } else {
      set_error("stub: unsupported property %s", key);
      return NOT_FOUND;
    }
  }
  *value = counted_strdup(text);
  return OK;
}

/* ---------------------------------------------------------------- model */

API int ov_core_read_model(const ov_core_t *core, const char *model_path, const char *bin_path, ov_model_t **model) {
  (void)bin_path;
  if (core == NULL || model_path == NULL || model == NULL) {
    return INVALID_C_PARAM;
  }
  if (setting_long("OVSTUB_FAIL_READ", 0) != 0) {
    set_error("stub: cannot read %s", model_path);
    return GENERAL_ERROR;
  }
  FILE *file = fopen(model_path, "rb");
  if (file == NULL) {
    set_error("stub: model file %s does not exist", model_path);
    return NOT_FOUND;
  }
  fclose(file);
  *model = calloc(1, sizeof(ov_model_t));
  count_create(K_MODEL);
  return OK;
}

API void ov_model_free(ov_model_t *model) {
  if (model != NULL) {
    count_free(K_MODEL);
    free(model);
  }
}

API int ov_model_reshape(const ov_model_t *model, const char **tensor_names, const ov_partial_shape_t *shapes,
                         size_t size) {
  if (model == NULL || tensor_names == NULL || shapes == NULL || size == 0) {
    return INVALID_C_PARAM;
  }
  ov_model_t *m = (ov_model_t *)model;
  for (size_t i = 0; i < size; i++) {
    if (strcmp(tensor_names[i], "input_ids") != 0 && strcmp(tensor_names[i], "attention_mask") != 0
        && strcmp(tensor_names[i], "token_type_ids") != 0) {
      set_error("stub: the model has no input named %s", tensor_names[i]);
      return NOT_FOUND;
    }
    if (shapes[i].rank.min != 2 || shapes[i].rank.max != 2 || shapes[i].dims[0].min != shapes[i].dims[0].max
        || shapes[i].dims[1].min != shapes[i].dims[1].max) {
      set_error("stub: %s needs a static rank-2 shape", tensor_names[i]);
      return PARAMETER_MISMATCH;
    }
    m->dims[0] = shapes[i].dims[0].min;
    m->dims[1] = shapes[i].dims[1].min;
  }
  m->reshaped = 1;
  return OK;
}

/* ---------------------------------------------------------------- compiled model */

static void record_compile(const char *device) {
  pthread_mutex_lock(&lock);
  for (int i = 0; i < MAX_DEVICES; i++) {
    if (compile_names[i][0] == '\0') {
      snprintf(compile_names[i], sizeof compile_names[i], "%s", device);
    }
    if (strcmp(compile_names[i], device) == 0) {
      compile_counts[i]++;
      break;
    }
  }
  pthread_mutex_unlock(&lock);
}

/* Compiling on one concrete device: fails when the device is missing or configured to fail. */
static int compile_on(const char *device, char *resolved, size_t size) {
  record_compile(device);
  if (!resolve_device(device, resolved, size)) {
    set_error("stub: device %s is not available", device);
    return NOT_FOUND;
  }
  char failing[256];
  setting("OVSTUB_FAIL_COMPILE", "", failing, sizeof failing);
  if (listed(failing, resolved)) {
    set_error("stub: compiling for %s failed (configured by OVSTUB_FAIL_COMPILE)", resolved);
    return GENERAL_ERROR;
  }
  return OK;
}

API int ov_core_compile_model(const ov_core_t *core, const ov_model_t *model, const char *device_name,
                              const size_t property_args_size, ov_compiled_model_t **compiled_model, ...) {
  if (core == NULL || model == NULL || device_name == NULL || compiled_model == NULL || property_args_size % 2) {
    return INVALID_C_PARAM;
  }
  char properties[256] = {0};
  va_list args;
  va_start(args, compiled_model);
  for (size_t i = 0; i < property_args_size; i += 2) {
    const char *key = va_arg(args, const char *);
    const char *value = va_arg(args, const char *);
    size_t used = strlen(properties);
    snprintf(properties + used, sizeof properties - used, "%s%s=%s", used ? "," : "", key, value);
  }
  va_end(args);
  char resolved[32] = {0};
  int status;
  if (strncmp(device_name, "AUTO:", 5) == 0) {
    /* AUTO: the first listed device that compiles */
    char list[256];
    snprintf(list, sizeof list, "%s", device_name + 5);
    status = NOT_FOUND;
    for (char *save = NULL, *item = strtok_r(list, ",", &save); item != NULL && status != OK;
         item = strtok_r(NULL, ",", &save)) {
      status = compile_on(item, resolved, sizeof resolved);
    }
  } else {
    status = compile_on(device_name, resolved, sizeof resolved);
  }
  if (status != OK) {
    return status;
  }
  ov_compiled_model_t *compiled = calloc(1, sizeof(ov_compiled_model_t));
  snprintf(compiled->device, sizeof compiled->device, "%s", resolved);
  snprintf(compiled->properties, sizeof compiled->properties, "%s", properties);
  compiled->reshaped = model->reshaped;
  compiled->dims[0] = model->dims[0];
  compiled->dims[1] = model->dims[1];
  *compiled_model = compiled;
  count_create(K_COMPILED);
  return OK;
}

API int ov_compiled_model_get_property(const ov_compiled_model_t *compiled, const char *key, char **value) {
  if (compiled == NULL || key == NULL || value == NULL) {
    return INVALID_C_PARAM;
  }
  char text[300];
  if (strcmp(key, "OPTIMAL_NUMBER_OF_INFER_REQUESTS") == 0) {
    snprintf(text, sizeof text, "%ld", setting_long("OVSTUB_OPTIMAL", 2));
  } else if (strcmp(key, "EXECUTION_DEVICES") == 0) {
    snprintf(text, sizeof text, "%s", compiled->device);
  } else if (strcmp(key, "OVSTUB_PROPERTIES") == 0) {
    snprintf(text, sizeof text, "%s", compiled->properties);
  } else {
    set_error("stub: unsupported compiled-model property %s", key);
    return NOT_FOUND;
  }
  *value = counted_strdup(text);
  return OK;
}

API void ov_compiled_model_free(ov_compiled_model_t *compiled) {
  if (compiled != NULL) {
    count_free(K_COMPILED);
    free(compiled);
  }
}

/* ---------------------------------------------------------------- infer request */

API int ov_compiled_model_create_infer_request(const ov_compiled_model_t *compiled, ov_infer_request_t **request) {
  if (compiled == NULL || request == NULL) {
    return INVALID_C_PARAM;
  }
  ov_infer_request_t *created_request = calloc(1, sizeof(ov_infer_request_t));
  created_request->compiled = compiled;
  *request = created_request;
  count_create(K_REQUEST);
  return OK;
}

API void ov_infer_request_free(ov_infer_request_t *request) {
  if (request != NULL) {
    free(request->output);
    free(request);
    count_free(K_REQUEST);
  }
}

API int ov_tensor_create_from_host_ptr(const int type, const ov_shape_t shape, void *host_ptr, ov_tensor_t **tensor) {
  if (host_ptr == NULL || tensor == NULL || shape.rank < 1 || shape.rank > 8 || shape.dims == NULL) {
    return INVALID_C_PARAM;
  }
  ov_tensor_t *t = calloc(1, sizeof(ov_tensor_t));
  t->type = type;
  t->rank = shape.rank;
  memcpy(t->dims, shape.dims, (size_t)shape.rank * sizeof(int64_t));
  t->data = host_ptr;
  *tensor = t;
  count_create(K_TENSOR);
  return OK;
}

API void ov_tensor_free(ov_tensor_t *tensor) {
  if (tensor != NULL) {
    count_free(K_TENSOR);
    free(tensor);
  }
}

API int ov_infer_request_set_tensor(ov_infer_request_t *request, const char *name, const ov_tensor_t *tensor) {
  if (request == NULL || name == NULL || tensor == NULL) {
    return INVALID_C_PARAM;
  }
  if (strcmp(name, "input_ids") != 0 && strcmp(name, "attention_mask") != 0 && strcmp(name, "token_type_ids") != 0) {
    set_error("stub: the model has no input named %s", name);
    return NOT_FOUND;
  }
  if (tensor->type != I64 || tensor->rank != 2) {
    set_error("stub: %s must be a rank-2 I64 tensor", name);
    return PARAMETER_MISMATCH;
  }
  const ov_compiled_model_t *compiled = request->compiled;
  if (compiled->reshaped && (tensor->dims[0] != compiled->dims[0] || tensor->dims[1] != compiled->dims[1])) {
    set_error("stub: %s has shape [%ld,%ld] but the model was compiled for [%ld,%ld]", name, (long)tensor->dims[0],
              (long)tensor->dims[1], (long)compiled->dims[0], (long)compiled->dims[1]);
    return PARAMETER_MISMATCH;
  }
  int slot = 0;
  while (slot < request->input_count && strcmp(request->inputs[slot].name, name) != 0) {
    slot++;
  }
  if (slot == request->input_count) {
    request->input_count++;
  }
  input_t *input = &request->inputs[slot];
  snprintf(input->name, sizeof input->name, "%s", name);
  input->type = tensor->type;
  input->dims[0] = tensor->dims[0];
  input->dims[1] = tensor->dims[1];
  input->data = tensor->data;
  return OK;
}

static const input_t *find_input(const ov_infer_request_t *request, const char *name) {
  for (int i = 0; i < request->input_count; i++) {
    if (strcmp(request->inputs[i].name, name) == 0) {
      return &request->inputs[i];
    }
  }
  return NULL;
}

static float feature(int64_t token, int64_t h) {
  return (float)(sin((double)token * 0.37 + (double)h * 0.11) + 0.5 * cos((double)token * 0.013 * (double)(h + 1)));
}

API int ov_infer_request_infer(ov_infer_request_t *request) {
  if (request == NULL) {
    return INVALID_C_PARAM;
  }
  const input_t *ids = find_input(request, "input_ids");
  const input_t *mask = find_input(request, "attention_mask");
  if (ids == NULL || mask == NULL) {
    set_error("stub: input_ids and attention_mask must be set before infer");
    return GENERAL_ERROR;
  }
  int64_t batch = ids->dims[0];
  int64_t length = ids->dims[1];
  int64_t hidden = setting_long("OVSTUB_HIDDEN", 384);
  long poison = setting_long("OVSTUB_POISON_TOKEN", -1);
  const int64_t *tokens = ids->data;
  for (int64_t i = 0; i < batch * length; i++) {
    if (tokens[i] == poison) {
      set_error("stub: poison token %ld in row %ld", poison, (long)(i / length));
      return GENERAL_ERROR;
    }
  }
  free(request->output);
  request->output = malloc((size_t)(batch * length * hidden) * sizeof(float));
  for (int64_t i = 0; i < batch * length; i++) {
    for (int64_t h = 0; h < hidden; h++) {
      request->output[i * hidden + h] = feature(tokens[i], h);
    }
  }
  request->output_dims[0] = batch;
  request->output_dims[1] = length;
  request->output_dims[2] = hidden;
  return OK;
}

API int ov_infer_request_get_output_tensor_by_index(const ov_infer_request_t *request, const size_t idx,
                                                    ov_tensor_t **tensor) {
  if (request == NULL || tensor == NULL) {
    return INVALID_C_PARAM;
  }
  if (idx != 0 || request->output == NULL) {
    set_error("stub: no output %zu (run infer first)", idx);
    return NOT_FOUND;
  }
  ov_tensor_t *t = calloc(1, sizeof(ov_tensor_t));
  t->type = F32;
  t->rank = 3;
  memcpy(t->dims, request->output_dims, sizeof request->output_dims);
  t->data = request->output;
  *tensor = t;
  count_create(K_TENSOR);
  return OK;
}

/* ---------------------------------------------------------------- tensor */

API int ov_tensor_get_shape(const ov_tensor_t *tensor, ov_shape_t *shape) {
  if (tensor == NULL || shape == NULL) {
    return INVALID_C_PARAM;
  }
  shape->rank = tensor->rank;
  shape->dims = malloc((size_t)tensor->rank * sizeof(int64_t));
  memcpy(shape->dims, tensor->dims, (size_t)tensor->rank * sizeof(int64_t));
  count_create(K_SHAPE);
  return OK;
}

API int ov_shape_free(ov_shape_t *shape) {
  if (shape == NULL) {
    return INVALID_C_PARAM;
  }
  if (shape->dims != NULL) {
    free(shape->dims);
    shape->dims = NULL;
    count_free(K_SHAPE);
  }
  return OK;
}

API int ov_tensor_get_element_type(const ov_tensor_t *tensor, int *type) {
  if (tensor == NULL || type == NULL) {
    return INVALID_C_PARAM;
  }
  *type = tensor->type;
  return OK;
}

API int ov_tensor_data(const ov_tensor_t *tensor, void **data) {
  if (tensor == NULL || data == NULL) {
    return INVALID_C_PARAM;
  }
  *data = tensor->data;
  return OK;
}
