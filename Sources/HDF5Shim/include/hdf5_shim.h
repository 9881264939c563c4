#ifndef HDF5_SHIM_H
#define HDF5_SHIM_H
#include <hdf5.h>

// The H5T_NATIVE_* and H5P_* names are macros that open the library and read a global: Swift sees neither.
hid_t icar_h5t_native_double(void);
hid_t icar_h5t_native_float(void);
hid_t icar_h5t_native_int64(void);
hid_t icar_h5t_c_s1(void);
hid_t icar_h5p_default(void);
hid_t icar_h5p_file_create(void);
hid_t icar_h5p_file_access(void);
hid_t icar_h5p_dataset_create(void);
hid_t icar_h5p_group_create(void);
hid_t icar_h5p_attribute_create(void);
hid_t icar_h5p_link_create(void);
hid_t icar_h5s_all(void);
unsigned icar_h5f_acc_trunc(void);
unsigned icar_h5f_acc_rdonly(void);
// Silences HDF5's own stderr traces: errors reach the user as Swift errors with one message.
void icar_h5_silence_errors(void);
#endif
