#!/usr/bin/perl
# The line-echo reference the benchmark compares Prefork Connector with: Net::Server::PreForkSimple,
# serialize flock, echoing every chunk back as soon as it is read (like the engine's echo handler).
#
#   perl bench/perl/echo-server.pl PORT MAX_SERVERS MAX_REQUESTS
#
# Runs in the foreground; SIGTERM stops the parent and its children.
use strict;
use warnings;

package EchoServer;
use parent 'Net::Server::PreForkSimple';

sub process_request {
    my $self = shift;
    my $client = $self->{server}{client};
    my $buffer;
    while (my $n = sysread($client, $buffer, 8192)) {
        my $offset = 0;
        while ($offset < $n) {
            my $written = syswrite($client, $buffer, $n - $offset, $offset);
            return unless defined $written;
            $offset += $written;
        }
    }
}

package main;

my ($port, $max_servers, $max_requests) = @ARGV;
die "usage: $0 PORT MAX_SERVERS MAX_REQUESTS\n" unless defined $max_requests;
$| = 1;
EchoServer->run(
    port         => "127.0.0.1:$port",
    max_servers  => $max_servers,
    max_requests => $max_requests,
    serialize    => 'flock',
    listen       => 1024,    # the engine's default backlog, so neither side drops connections the other keeps
    log_level    => 1,       # errors only: no log line per connection
    background   => undef,
    setsid       => undef,
);
