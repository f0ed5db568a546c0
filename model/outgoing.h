/* outgoing.h - statements the IETF sends to another body (issue 16): their
 * direction, who may submit one, who approves it, and where it goes. Read
 * from the directory; flow/ decides what happens with the answers. */
#ifndef LIAISON_OUTGOING_H
#define LIAISON_OUTGOING_H

#include <glib.h>
#include "conf/directory.h"
#include "model/statement.h"

/* outgoing_is - every From group is an IETF body of the directory (wg, rg,
 * area, ietf, iesg, iab, irtf) and a To names another body (an sdo of the
 * directory, or a name it does not know). Never for automatic mail. */
gboolean outgoing_is(const struct statement *st, const struct directory *dir);

/* outgoing_group_approvers - who approves for From group G: for a wg the
 * ADs of its area, for an rg the IRTF chair, for an area its ADs, for the
 * ietf or iesg the IETF chair, for the iab the IAB chair, for the irtf the
 * IRTF chair. struct addr *, owned by the directory; free the array. */
GPtrArray *outgoing_group_approvers(const struct directory *dir, const struct dir_group *g);
/* outgoing_approvers - the approvers of every From group of ST, each once. */
GPtrArray *outgoing_approvers(const struct directory *dir, const struct statement *st);
/* outgoing_approves - ADDRESS approves for every From group of ST. */
gboolean outgoing_approves(const struct directory *dir, const struct statement *st,
    const char *address);
/* outgoing_may_submit - ADDRESS may send ST: a chair, secretary or delegate
 * of a From group, an AD of its area, the IETF/IAB/IRTF chair, an IETF
 * liaison manager for a To body, or one of SECRETARIAT (an address list). */
gboolean outgoing_may_submit(const struct directory *dir, const struct statement *st,
    const char *secretariat, const char *address);
/* outgoing_sent_to_body - one of RECIPIENTS (bare addresses, the To/Cc of
 * the mail) is the receiving body's: a To-Contact, the To-Liaison-Contact,
 * or the `contacts` of a To group of the directory. */
gboolean outgoing_sent_to_body(const struct directory *dir, const struct statement *st,
    GPtrArray *recipients);
/* outgoing_liaison_managers - the IETF's liaison managers for ST's To
 * bodies (inherited from the parent body), each once; owned by the directory. */
GPtrArray *outgoing_liaison_managers(const struct directory *dir, const struct statement *st);

#endif
