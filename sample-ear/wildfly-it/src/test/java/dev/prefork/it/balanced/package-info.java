/**
 * The MDB that BalancerIT deploys to WildFly as one node behind HAProxy: it tells each client which
 * addresses the adapter handed it. Test code, packed by ShrinkWrap into its own EJB jar.
 */
package dev.prefork.it.balanced;
