/* test-cases.c — a table of cases, a test path per row */

#include "config.h"

#include "test-cases.h"

void
test_add_rows (gconstpointer  rows,
               gsize          row_size,
               gsize          n_rows,
               GTestDataFunc  func)
{
  for (gsize i = 0; i < n_rows; i++)
    {
      gconstpointer row = (const char *)rows + i * row_size;

      g_test_add_data_func (*(const char * const *)row, row, func);
    }
}
