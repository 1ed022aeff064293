<?php
/**
 * The post sync queue: saving a post only marks it for sending (post meta) and schedules a WP-Cron event, so the
 * editor's save never waits for the service to index it. The event sends due posts in id order within a time budget,
 * retries failures with growing delays, and gives up after a few attempts (the settings screen shows what waits,
 * what failed and why, and can retry at once). The queue lives in post meta, so it survives crashes and resumes on
 * the next run. With DISABLE_WP_CRON the site's system cron must call wp-cron.php, as WordPress documents.
 *
 * @package api-credits
 */

defined( 'ABSPATH' ) || exit;

final class API_Credits_Sync {
	public const META = '_api_credits_sync';
	public const HOOK = 'api_credits_sync';
	private const LOCK          = 'api_credits_sync_lock';
	private const LOCK_SECONDS  = 120;
	private const BUDGET        = 20;
	private const MAX_ATTEMPTS  = 5;
	/** Seconds to wait before attempt n+1 (after n failures). */
	private const BACKOFF = array( 60, 300, 1800, 7200 );

	public static function register(): void {
		add_action( self::HOOK, array( self::class, 'run' ) );
	}

	public static function routes( callable $r, callable $manage ): void {
		$r( '/sync', 'GET', array( self::class, 'status' ), $manage );
		$r( '/sync', 'POST', array( self::class, 'retry_now' ), $manage );
	}

	/** Marks a post for sending and makes sure an event will send it. */
	public static function enqueue( int $post_id ): void {
		update_post_meta(
			$post_id,
			self::META,
			array(
				'status'   => 'queued',
				'attempts' => 0,
				'error'    => '',
				'next'     => time(),
			)
		);
		self::schedule( time() );
	}

	/** Forgets a post's place in the queue (it was sent, trashed or is no longer eligible). */
	public static function dequeue( int $post_id ): void {
		delete_post_meta( $post_id, self::META );
	}

	/** One single event at the earliest time anything is due (WordPress refuses a duplicate within ten minutes). */
	private static function schedule( int $at ): void {
		$next = wp_next_scheduled( self::HOOK );
		if ( false !== $next && $next <= $at ) {
			return;
		}
		if ( false !== $next ) {
			wp_unschedule_event( $next, self::HOOK );
		}
		wp_schedule_single_event( $at, self::HOOK );
	}

	/** @return array<int,array{status:string,attempts:int,error:string,next:int}> post id => state, in id order */
	private static function queue(): array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the queue must be read fresh on every run
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT post_id, meta_value FROM {$wpdb->postmeta} WHERE meta_key = %s ORDER BY post_id LIMIT 500", self::META ) );
		$out  = array();
		foreach ( $rows as $row ) {
			$state = maybe_unserialize( $row->meta_value );
			if ( is_array( $state ) ) {
				$out[ (int) $row->post_id ] = $state;
			}
		}
		return $out;
	}

	/** Only one runner at a time (cron and a "Retry now" may overlap); a lock older than its lease is taken over. */
	private static function lock(): bool {
		if ( add_option( self::LOCK, time(), '', false ) ) {
			return true;
		}
		$held = (int) get_option( self::LOCK, 0 );
		if ( $held > time() - self::LOCK_SECONDS ) {
			return false;
		}
		update_option( self::LOCK, time(), false );
		return true;
	}

	/** The cron event: sends what is due, then schedules itself for whatever is still waiting. */
	public static function run(): void {
		if ( ! API_Credits_Settings::is_connected() || ! self::lock() ) {
			return;
		}
		$started = time();
		try {
			foreach ( self::queue() as $post_id => $state ) {
				if ( 'queued' !== $state['status'] || (int) $state['next'] > time() ) {
					continue;
				}
				if ( time() - $started >= self::BUDGET ) {
					break;
				}
				$post = get_post( $post_id );
				if ( ! $post instanceof WP_Post || ! API_Credits_Knowledge::eligible( $post ) ) {
					self::dequeue( $post_id );
					continue;
				}
				$res = API_Credits_Knowledge::sync( $post );
				if ( ! is_wp_error( $res ) ) {
					continue;
				}
				self::failed( $post_id, $state, $res );
				// Out of credits: every other post would be refused too; they keep their turn for the next run.
				if ( 402 === ( $res->get_error_data()['status'] ?? 0 ) ) {
					break;
				}
			}
		} finally {
			delete_option( self::LOCK );
		}
		$due = array_filter(
			self::queue(),
			function ( $s ) {
				return 'queued' === $s['status'];
			}
		);
		if ( $due ) {
			self::schedule( max( time(), min( array_map( 'intval', array_column( $due, 'next' ) ) ) ) );
		}
	}

	private static function failed( int $post_id, array $state, WP_Error $error ): void {
		$attempts = (int) $state['attempts'] + 1;
		$give_up  = $attempts >= self::MAX_ATTEMPTS;
		update_post_meta(
			$post_id,
			self::META,
			array(
				'status'   => $give_up ? 'failed' : 'queued',
				'attempts' => $attempts,
				'error'    => $error->get_error_message(),
				'next'     => $give_up ? 0 : time() + self::BACKOFF[ min( $attempts, count( self::BACKOFF ) ) - 1 ],
			)
		);
	}

	/** What the settings screen shows: how many wait, and each post that failed at least once, with its error. */
	public static function status() {
		$waiting  = 0;
		$problems = array();
		foreach ( self::queue() as $post_id => $state ) {
			if ( 'queued' === $state['status'] && 0 === (int) $state['attempts'] ) {
				++$waiting;
				continue;
			}
			$problems[] = array(
				'postId'   => $post_id,
				'title'    => get_the_title( $post_id ),
				'status'   => 'failed' === $state['status'] ? 'failed' : 'retrying',
				'attempts' => (int) $state['attempts'],
				'error'    => (string) $state['error'],
				'nextAt'   => (int) $state['next'] > 0 ? gmdate( 'c', (int) $state['next'] ) : null,
			);
		}
		$next = wp_next_scheduled( self::HOOK );
		return rest_ensure_response(
			array(
				'waiting'  => $waiting,
				'problems' => $problems,
				'nextRun'  => false === $next ? null : gmdate( 'c', (int) $next ),
			)
		);
	}

	/** "Retry now": every waiting or failed post becomes due with fresh attempts, and one run happens in this request. */
	public static function retry_now() {
		foreach ( self::queue() as $post_id => $state ) {
			update_post_meta(
				$post_id,
				self::META,
				array(
					'status'   => 'queued',
					'attempts' => 0,
					'error'    => (string) $state['error'],
					'next'     => time(),
				)
			);
		}
		self::run();
		return self::status();
	}

	/** For uninstall and "delete this site's data": the queue and its event. */
	public static function forget(): void {
		delete_post_meta_by_key( self::META );
		delete_option( self::LOCK );
		wp_clear_scheduled_hook( self::HOOK );
	}
}
